// Stage 4: the transport layer. A TCP header gives the ports, the sequence and acknowledgement numbers, the
// flags and the window; what follows it is the application's bytes. formatTcpdump() prints it all as
// `tcpdump -n -t -S` does, less the options field.
import { PacketError } from "./errors.ts";
import type { IpPacket } from "./ip.ts";

export const TCP_FLAGS = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export interface TcpSegment {
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The sequence number of the first byte of the payload (of the SYN or FIN itself when they are set). */
  readonly seq: number;
  /** The next sequence number the sender expects from its peer; meaningful only when ACK is set. */
  readonly ack: number;
  /** The data offset in bytes: 20, plus the options. */
  readonly headerLength: number;
  /** The flag bits, TCP_FLAGS.* or-ed together. */
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer: number;
  /** The application's bytes in this segment, those captured (the snapshot length may have cut the rest). */
  readonly payload: Buffer;
}

/** Takes the TCP header off a transport-layer payload. Throws PacketError when it is cut short. */
export function tcpSegment(bytes: Buffer): TcpSegment {
  if (bytes.length < 20) throw new PacketError(`TCP header needs 20 bytes, the segment has ${bytes.length}`);
  const headerLength = (bytes[12]! >> 4) * 4;
  if (headerLength < 20) throw new PacketError(`TCP data offset ${headerLength} bytes, less than 20`);
  if (headerLength > bytes.length) {
    throw new PacketError(`TCP data offset ${headerLength} bytes, the segment has ${bytes.length}`);
  }
  return {
    sourcePort: bytes.readUInt16BE(0),
    destinationPort: bytes.readUInt16BE(2),
    seq: bytes.readUInt32BE(4),
    ack: bytes.readUInt32BE(8),
    headerLength,
    flags: bytes[13]!,
    window: bytes.readUInt16BE(14),
    urgentPointer: bytes.readUInt16BE(18),
    payload: bytes.subarray(headerLength),
  };
}

// tcpdump's letters, in tcpdump's order (not the bits' order): FIN SYN RST PSH ACK URG ECE CWR.
const LETTERS: readonly [number, string][] = [
  [TCP_FLAGS.FIN, "F"],
  [TCP_FLAGS.SYN, "S"],
  [TCP_FLAGS.RST, "R"],
  [TCP_FLAGS.PSH, "P"],
  [TCP_FLAGS.ACK, "."],
  [TCP_FLAGS.URG, "U"],
  [TCP_FLAGS.ECE, "E"],
  [TCP_FLAGS.CWR, "W"],
];

/** The flags as tcpdump writes them inside `Flags [...]`: "S", "S.", "P.", "FP.", ... or "none". */
export function tcpdumpFlags(flags: number): string {
  const text = LETTERS.filter(([bit]) => flags & bit)
    .map(([, letter]) => letter)
    .join("");
  return text || "none";
}

/**
 * One line of `tcpdump -n -t -S -r file`, without its `, options [...]` field. The length is the segment's data
 * on the wire, from the IP header (ip.payloadLength less the TCP header), also when the capture's snapshot length
 * kept only part of it in tcp.payload.
 */
export function formatTcpdump(ip: IpPacket, tcp: TcpSegment): string {
  const length = ip.payloadLength - tcp.headerLength;
  // After IPv6 extension headers tcpdump names them and prints the ports apart from the addresses.
  const ends =
    ip.extensions.length === 0
      ? `${ip.source}.${tcp.sourcePort} > ${ip.destination}.${tcp.destinationPort}`
      : `${ip.source} > ${ip.destination}: ${ip.extensions.join(" ")} ${tcp.sourcePort} > ${tcp.destinationPort}`;
  let line = `${ip.version === 4 ? "IP" : "IP6"} ${ends}: Flags [${tcpdumpFlags(tcp.flags)}]`;
  // tcpdump shows seq only when it means something: data, SYN, FIN or RST. -S: absolute numbers.
  if (length > 0) line += `, seq ${tcp.seq}:${(tcp.seq + length) >>> 0}`;
  else if (tcp.flags & (TCP_FLAGS.SYN | TCP_FLAGS.FIN | TCP_FLAGS.RST)) line += `, seq ${tcp.seq}`;
  if (tcp.flags & TCP_FLAGS.ACK) line += `, ack ${tcp.ack}`;
  line += `, win ${tcp.window}`;
  if (tcp.flags & TCP_FLAGS.URG) line += `, urg ${tcp.urgentPointer}`;
  return `${line}, length ${length}`;
}

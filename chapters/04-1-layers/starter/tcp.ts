// Stage 4: the transport layer. A TCP header gives the ports, the sequence and acknowledgement numbers, the
// flags and the window; what follows it is the application's bytes. formatTcpdump() prints it all as
// `tcpdump -n -t -S` does, less the options field. See README.md (한국어: README.ko.md), "Stage 4".
import { todo } from "@tcp-katas/shared/cli";

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
  // Ports (0-1, 2-3), seq (4-7), ack (8-11), data offset (high nibble of 12, × 4), flags (13), window
  // (14-15), checksum (16-17), urgent pointer (18-19), options, then the payload.
  todo(
    `stage 4: tcpSegment: read the TCP header of a ${bytes.length}-byte segment`,
    `4단계: tcpSegment: ${bytes.length}바이트 세그먼트의 TCP 헤더를 읽으세요`,
  );
}

/** The flags as tcpdump writes them inside `Flags [...]`: "S", "S.", "P.", "FP.", ... or "none". */
export function tcpdumpFlags(flags: number): string {
  todo(
    `stage 4: tcpdumpFlags: one letter per flag set in 0x${flags.toString(16)}, in tcpdump's order`,
    `4단계: tcpdumpFlags: 0x${flags.toString(16)}에 켜진 플래그마다 한 글자씩, tcpdump의 순서대로 쓰세요`,
  );
}

/**
 * One line of `tcpdump -n -t -S -r file`, without its `, options [...]` field. The length is the segment's data
 * on the wire, from the IP header (ip.payloadLength less the TCP header), also when the capture's snapshot length
 * kept only part of it in tcp.payload.
 */
export function formatTcpdump(ip: IpPacket, tcp: TcpSegment): string {
  todo(
    `stage 4: formatTcpdump: "IP src.port > dst.port: Flags [...], seq ..., ack ..., win ..., length ..." ` +
      `for ${ip.source}.${tcp.sourcePort}`,
    `4단계: formatTcpdump: "IP src.port > dst.port: Flags [...], seq ..., ack ..., win ..., length ..." 형식으로 ` +
      `${ip.source}.${tcp.sourcePort}의 세그먼트를 한 줄로 쓰세요`,
  );
}

// Stage 3: the IP layer. An IPv4 or IPv6 header says who sent the packet to whom, how long it is, and which
// transport protocol (TCP is 6) the rest belongs to.
import { PacketError } from "./errors.ts";
import type { NetworkProtocol } from "./link.ts";

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export interface IpPacket {
  readonly version: 4 | 6;
  readonly source: string;
  readonly destination: string;
  /** The transport protocol after the header (and after IPv6's extension headers): 6 TCP, 17 UDP, ... */
  readonly protocol: number;
  /** The header's length in bytes, IPv4 options or IPv6 extension headers included. */
  readonly headerLength: number;
  /** IPv4: the header checksum is right. IPv6 has no header checksum: always true. */
  readonly checksumOk: boolean;
  /** A piece of a fragmented datagram (fragments are not reassembled here). */
  readonly fragment: boolean;
  /**
   * IPv6 extension headers passed on the way to the transport header: "HBH", "DSTOPT", "frag (0|20)"
   * (offset|length) as tcpdump prints them; a routing header only as "srcrt" and an AH header only as "AH"
   * (tcpdump prints "RT6 (...)" and "AH(...)" with their fields). Empty for IPv4.
   */
  readonly extensions: readonly string[];
  /**
   * The transport-layer bytes captured, cut to the length the IP header gives (link-layer padding left out). When
   * the capture's snapshot length cut the packet, only the bytes captured: fewer than payloadLength.
   */
  readonly payload: Buffer;
  /**
   * The transport layer's length on the wire, as the IP header gives it (IPv4: total length - header length;
   * IPv6: payload length - extension headers): payload.length, unless the snapshot length cut the packet.
   */
  readonly payloadLength: number;
}

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of the 16-bit words.
 * Over a header whose checksum field is right it gives 0.
 */
export function internetChecksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function formatIPv4(address: Buffer): string {
  return [...address.subarray(0, 4)].join(".");
}

/**
 * An IPv6 address as tcpdump prints it (RFC 5952): lower-case hex words without leading zeros, the longest run
 * of two or more zero words (the first, on a tie) written `::`, and an IPv4-mapped address as ::ffff:1.2.3.4.
 */
export function formatIPv6(address: Buffer): string {
  const words = Array.from({ length: 8 }, (_, i) => address.readUInt16BE(i * 2));
  let best = { base: -1, len: 0 };
  let run = { base: -1, len: 0 };
  for (const [i, word] of words.entries()) {
    if (word === 0) {
      run = run.base === -1 ? { base: i, len: 1 } : { base: run.base, len: run.len + 1 };
      if (run.len > best.len) best = run;
    } else run = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  if (best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
    return `::${best.len === 5 ? "ffff:" : ""}${formatIPv4(address.subarray(12, 16))}`;
  }
  if (best.base === -1) return words.map((w) => w.toString(16)).join(":");
  const head = words.slice(0, best.base).map((w) => w.toString(16));
  const tail = words.slice(best.base + best.len).map((w) => w.toString(16));
  return `${head.join(":")}::${tail.join(":")}`;
}

function ipv4(bytes: Buffer, wireLength: number): IpPacket {
  if (bytes.length < 20) throw new PacketError(`IPv4 header needs 20 bytes, the packet has ${bytes.length}`);
  const version = bytes[0]! >> 4;
  if (version !== 4) throw new PacketError(`IPv4 header with version ${version}`);
  // IHL: the header length in 32-bit words, 5 without options, up to 15.
  const headerLength = (bytes[0]! & 0x0f) * 4;
  if (headerLength < 20) throw new PacketError(`IPv4 header length ${headerLength}, less than 20`);
  if (bytes.length < headerLength) {
    throw new PacketError(`IPv4 header length ${headerLength}, the packet has ${bytes.length} bytes`);
  }
  const totalLength = bytes.readUInt16BE(2);
  if (totalLength < headerLength) {
    throw new PacketError(`IPv4 total length ${totalLength}, less than its header length ${headerLength}`);
  }
  // The wire length, not the bytes captured: a snapshot length may have cut the data off, and the header still
  // tells the truth about it. A packet shorter on the wire than its header says is broken.
  if (totalLength > wireLength) {
    throw new PacketError(`IPv4 total length ${totalLength}, the packet has ${wireLength} bytes`);
  }
  const flagsAndOffset = bytes.readUInt16BE(6);
  const moreFragments = (flagsAndOffset & 0x2000) !== 0;
  const offset = flagsAndOffset & 0x1fff;
  return {
    version: 4,
    source: formatIPv4(bytes.subarray(12, 16)),
    destination: formatIPv4(bytes.subarray(16, 20)),
    protocol: bytes[9]!,
    headerLength,
    checksumOk: internetChecksum(bytes.subarray(0, headerLength)) === 0,
    fragment: moreFragments || offset !== 0,
    extensions: [],
    // Bytes past the total length are the link layer's padding (Ethernet pads frames to 60 bytes).
    payload: bytes.subarray(headerLength, totalLength),
    payloadLength: totalLength - headerLength,
  };
}

// IPv6 extension headers that can be skipped to reach the transport header.
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DESTINATION_OPTIONS = 60;

function ipv6(bytes: Buffer, wireLength: number): IpPacket {
  if (bytes.length < 40) throw new PacketError(`IPv6 header needs 40 bytes, the packet has ${bytes.length}`);
  const version = bytes[0]! >> 4;
  if (version !== 6) throw new PacketError(`IPv6 header with version ${version}`);
  const payloadLength = bytes.readUInt16BE(4);
  if (40 + payloadLength > wireLength) {
    throw new PacketError(
      `IPv6 payload length ${payloadLength}, the packet has ${wireLength - 40} bytes after its header`,
    );
  }
  // The packet ends where the header says (link padding left out); a snapshot length may have cut it sooner.
  const end = 40 + payloadLength;
  const packet = bytes.subarray(0, end);
  let next = bytes[6]!;
  let at = 40;
  let fragment = false;
  const extensions: string[] = [];
  for (;;) {
    if (
      next === HOP_BY_HOP ||
      next === ROUTING ||
      next === DESTINATION_OPTIONS ||
      next === FRAGMENT ||
      next === AUTH
    ) {
      if (packet.length < at + 8) throw new PacketError(`IPv6 extension header ${next} cut short`);
      let length: number;
      if (next === FRAGMENT) {
        length = 8;
        // A fragment other than the first, or the first with more to come.
        const field = packet.readUInt16BE(at + 2);
        fragment = (field & 0xfff9) !== 0;
        extensions.push(`frag (${field & 0xfff8}|${end - at - 8})`);
      } else if (next === AUTH) {
        length = (packet[at + 1]! + 2) * 4;
        extensions.push("AH");
      } else {
        length = (packet[at + 1]! + 1) * 8;
        extensions.push(next === HOP_BY_HOP ? "HBH" : next === ROUTING ? "srcrt" : "DSTOPT");
      }
      next = packet[at]!;
      at += length;
      if (at > end) throw new PacketError(`IPv6 extension headers run past the packet`);
    } else break;
  }
  return {
    version: 6,
    source: formatIPv6(bytes.subarray(8, 24)),
    destination: formatIPv6(bytes.subarray(24, 40)),
    protocol: next,
    headerLength: at,
    checksumOk: true,
    fragment,
    extensions,
    payload: packet.subarray(at),
    payloadLength: end - at,
  };
}

/**
 * Takes the IP header off a network-layer packet. `wireLength` is the packet's length on the wire: bytes.length,
 * unless the capture's snapshot length cut the packet (dissect.ts works it out from the record's original
 * length). Throws PacketError when the header is cut short or wrong, or the packet is shorter than its header says.
 */
export function ipLayer(protocol: NetworkProtocol, bytes: Buffer, wireLength = bytes.length): IpPacket {
  return protocol === "IPv4" ? ipv4(bytes, wireLength) : ipv6(bytes, wireLength);
}

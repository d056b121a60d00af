// Stage 3: the IP layer. An IPv4 or IPv6 header says who sent the packet to whom, how long it is, and which
// transport protocol (TCP is 6) the rest belongs to. See README.md (한국어: README.ko.md), "Stage 3".
import { todo } from "@tcp-katas/shared/cli";

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
  todo(
    `stage 3: internetChecksum: add up the ${bytes.length / 2} 16-bit words, fold the carries, complement`,
    `3단계: internetChecksum: 16비트 워드 ${bytes.length / 2}개를 더하고, 올림수를 접어 넣은 뒤, 1의 보수를 취하세요`,
  );
}

export function formatIPv4(address: Buffer): string {
  return [...address.subarray(0, 4)].join(".");
}

/**
 * An IPv6 address as tcpdump prints it (RFC 5952): lower-case hex words without leading zeros, the longest run
 * of two or more zero words (the first, on a tie) written `::`, and an IPv4-mapped address as ::ffff:1.2.3.4.
 */
export function formatIPv6(address: Buffer): string {
  todo(
    `stage 3: formatIPv6: 8 words of 16 bits, the longest zero run as :: (${address.toString("hex")})`,
    `3단계: formatIPv6: 16비트 워드 8개로 쓰고, 가장 긴 0의 연속은 ::로 줄이세요 (${address.toString("hex")})`,
  );
}

/**
 * Takes the IP header off a network-layer packet. `wireLength` is the packet's length on the wire: bytes.length,
 * unless the capture's snapshot length cut the packet (dissect.ts works it out from the record's original
 * length). Throws PacketError when the header is cut short or wrong, or the packet is shorter than its header says.
 */
export function ipLayer(protocol: NetworkProtocol, bytes: Buffer, wireLength = bytes.length): IpPacket {
  // IPv4: IHL (low nibble of byte 0) × 4 = the header length; total length (bytes 2-3) ends the packet (what
  //   follows is link padding); protocol (byte 9); addresses (12-15, 16-19); checksum over the header.
  // IPv6: 40 fixed bytes; payload length (4-5); next header (6); addresses (8-23, 24-39); then skip extension
  //   headers (0 HBH, 60 DSTOPT, 43 routing: (len + 1) × 8 bytes; 44 fragment: 8 bytes; 51 AH: (len + 2) × 4
  //   bytes) until TCP.
  // Both: the lengths the header gives are checked against wireLength, not bytes.length.
  todo(
    `stage 3: ipLayer: read the ${protocol} header of a ${bytes.length}-byte packet (${wireLength} bytes on the wire)`,
    `3단계: ipLayer: ${bytes.length}바이트 패킷(전송된 길이 ${wireLength}바이트)의 ${protocol} 헤더 읽기`,
  );
}

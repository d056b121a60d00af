// Stage 1: the capture file. A classic pcap file is a 24-byte global header, then records: a 16-byte record
// header and the bytes captured of one packet. Every number is in the byte order of the machine that wrote it,
// which the magic number tells. See README.md (한국어: README.ko.md), "Stage 1", and `pnpm kata hint 04-1`.
import { todo } from "@tcp-katas/shared/cli";

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
/** The first 4 bytes of a pcapng file (its Section Header Block type), the same in either byte order. */
export const PCAPNG_MAGIC = 0x0a0d0d0a;

export interface PcapRecord {
  /** 1 for the first packet, as tcpdump and Wireshark number them. */
  readonly number: number;
  readonly seconds: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  readonly fraction: number;
  /** The bytes saved (at most the snapshot length). */
  readonly capturedLength: number;
  /** The packet's length on the wire. */
  readonly originalLength: number;
  /** The captured bytes: the link-layer frame. */
  readonly data: Buffer;
}

export interface PcapFile {
  readonly byteOrder: "little-endian" | "big-endian";
  readonly precision: "micro" | "nano";
  readonly version: string;
  readonly snapLength: number;
  /** The link-layer header type (LINKTYPE_*): 1 Ethernet, 0 BSD loopback, 113/276 Linux cooked, ... */
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

/** Reads a whole classic pcap file. Throws CaptureError, with one line saying what is wrong, on bad input. */
export function parsePcap(bytes: Buffer): PcapFile {
  // 1. The magic number (bytes 0-3): a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds), read little- or
  //    big-endian: that tells the byte order of everything else. 0a0d0d0a is pcapng: say so, and how to convert.
  // 2. The rest of the global header: version (2 + 2), 8 unused bytes, snap length (4), link type (4).
  // 3. Records until the end: seconds, fraction, captured length, original length (4 bytes each), then the data.
  //    A record cut short, or longer than the snap length, is a CaptureError naming the packet's number.
  todo(
    `stage 1: parsePcap: the global header, then every record (${bytes.length} bytes to read)`,
    `1단계: parsePcap: 전역 헤더를 읽고, 이어서 레코드를 모두 읽으세요 (읽을 바이트: ${bytes.length})`,
  );
}

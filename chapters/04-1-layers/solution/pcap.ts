// Stage 1: the capture file. A classic pcap file is a 24-byte global header, then records: a 16-byte record
// header and the bytes captured of one packet. Every number is in the byte order of the machine that wrote it,
// which the magic number tells.
import { CaptureError } from "./errors.ts";

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

const HEADER = 24;
const RECORD_HEADER = 16;

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/** Reads a whole classic pcap file. Throws CaptureError, with one line saying what is wrong, on bad input. */
export function parsePcap(bytes: Buffer): PcapFile {
  if (bytes.length === 0) throw new CaptureError("empty file: not a pcap capture");
  if (bytes.length < 4) {
    throw new CaptureError(`not a pcap file: ${bytes.length} bytes, too short even for a magic number`);
  }
  const magic = bytes.readUInt32LE(0);
  if (magic === PCAPNG_MAGIC) {
    throw new CaptureError(
      "this is a pcapng file, not classic pcap: capture with `tcpdump -w file.pcap` (tcpdump writes pcap) " +
        "or convert it with `editcap -F pcap in.pcapng out.pcap`",
    );
  }
  let little: boolean;
  if (magic === PCAP_MAGIC_MICRO || magic === PCAP_MAGIC_NANO) little = true;
  else if (bytes.readUInt32BE(0) === PCAP_MAGIC_MICRO || bytes.readUInt32BE(0) === PCAP_MAGIC_NANO)
    little = false;
  else {
    throw new CaptureError(
      `not a pcap file: magic number ${hex(bytes.readUInt32BE(0))}, expected a1b2c3d4 or a1b23c4d in either byte order`,
    );
  }
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const precision = u32(0) === PCAP_MAGIC_NANO ? "nano" : "micro";
  if (bytes.length < HEADER) {
    throw new CaptureError(
      `truncated pcap file: the global header has ${bytes.length} of its ${HEADER} bytes`,
    );
  }
  const snapLength = u32(16);
  // The top bits of the link type field may carry FCS information; the type is the low 26 bits.
  const linkType = u32(20) & 0x03ffffff;

  const records: PcapRecord[] = [];
  let at = HEADER;
  while (at < bytes.length) {
    const number = records.length + 1;
    if (bytes.length - at < RECORD_HEADER) {
      throw new CaptureError(
        `truncated pcap file: packet ${number}'s record header has ${bytes.length - at} of its ${RECORD_HEADER} bytes`,
      );
    }
    const capturedLength = u32(at + 8);
    // Checked before the length left in the file: a huge length is a broken file, not a short one.
    if (snapLength > 0 && capturedLength > snapLength) {
      throw new CaptureError(
        `bad pcap file: packet ${number} has ${capturedLength} captured bytes, more than the snapshot length ${snapLength}`,
      );
    }
    const start = at + RECORD_HEADER;
    if (bytes.length - start < capturedLength) {
      throw new CaptureError(
        `truncated pcap file: packet ${number} has ${bytes.length - start} of its ${capturedLength} captured bytes`,
      );
    }
    records.push({
      number,
      seconds: u32(at),
      fraction: u32(at + 4),
      capturedLength,
      originalLength: u32(at + 12),
      data: bytes.subarray(start, start + capturedLength),
    });
    at = start + capturedLength;
  }
  return {
    byteOrder: little ? "little-endian" : "big-endian",
    precision,
    version: `${u16(4)}.${u16(6)}`,
    snapLength,
    linkType,
    records,
  };
}

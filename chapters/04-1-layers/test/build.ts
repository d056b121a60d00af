// Builds captures byte by byte for the tests: pcap files and the headers of each layer. Independent of the
// code under test, so a wrong dissector cannot agree with itself.

export interface RecordSpec {
  data: Buffer;
  seconds?: number;
  fraction?: number;
  /** Defaults to data.length. */
  originalLength?: number;
}

/** A classic pcap file. */
export function pcapFile(
  linkType: number,
  records: readonly (Buffer | RecordSpec)[],
  options: { bigEndian?: boolean; nano?: boolean; snapLength?: number } = {},
): Buffer {
  const be = options.bigEndian ?? false;
  const header = Buffer.alloc(24);
  const u32 = (b: Buffer, v: number, at: number) => (be ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (be ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  u32(header, options.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, options.snapLength ?? 262144, 16);
  u32(header, linkType, 20);
  const parts: Buffer[] = [header];
  for (const r of records) {
    const spec = Buffer.isBuffer(r) ? { data: r } : r;
    const rh = Buffer.alloc(16);
    u32(rh, spec.seconds ?? 1700000000, 0);
    u32(rh, spec.fraction ?? 0, 4);
    u32(rh, spec.data.length, 8);
    u32(rh, spec.originalLength ?? spec.data.length, 12);
    parts.push(rh, spec.data);
  }
  return Buffer.concat(parts);
}

export function ethernet(etherType: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, payload]);
}

/** BSD loopback: the family in the capturing host's byte order (little-endian unless told). */
export function bsdLoopback(family: number, payload: Buffer, bigEndian = false): Buffer {
  const h = Buffer.alloc(4);
  if (bigEndian) h.writeUInt32BE(family);
  else h.writeUInt32LE(family);
  return Buffer.concat([h, payload]);
}

export function linuxCooked(etherType: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); // to us
  h.writeUInt16BE(772, 2); // ARPHRD_LOOPBACK
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(etherType, 14);
  return Buffer.concat([h, payload]);
}

export function linuxCookedV2(etherType: number, payload: Buffer, ifIndex = 1): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(etherType, 0);
  h.writeUInt32BE(ifIndex, 4);
  h.writeUInt16BE(772, 8);
  h.writeUInt8(0, 10);
  h.writeUInt8(6, 11);
  return Buffer.concat([h, payload]);
}

function checksum(bytes: Buffer): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += bytes.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function addressBytes(address: string): Buffer {
  return Buffer.from(address.split(".").map(Number));
}

export interface Ipv4Spec {
  source?: string;
  destination?: string;
  protocol?: number;
  /** IP options, a multiple of 4 bytes. */
  options?: Buffer;
  /** Break the header checksum on purpose. */
  badChecksum?: boolean;
  /** Flags and fragment offset field. */
  fragment?: number;
}

export function ipv4(payload: Buffer, spec: Ipv4Spec = {}): Buffer {
  const options = spec.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + options.length);
  h[0] = 0x40 | (h.length / 4);
  h.writeUInt16BE(h.length + payload.length, 2);
  h.writeUInt16BE(0x1234, 4);
  h.writeUInt16BE(spec.fragment ?? 0x4000, 6); // don't fragment
  h[8] = 64;
  h[9] = spec.protocol ?? 6;
  addressBytes(spec.source ?? "127.0.0.1").copy(h, 12);
  addressBytes(spec.destination ?? "127.0.0.1").copy(h, 16);
  options.copy(h, 20);
  h.writeUInt16BE(checksum(h) ^ (spec.badChecksum ? 0x0101 : 0), 10);
  return Buffer.concat([h, payload]);
}

export interface Ipv6Spec {
  source?: Buffer;
  destination?: Buffer;
  protocol?: number;
  /** Extension headers, each [its own type, its bytes (a multiple of 8, next-header byte left to fill)]. */
  extensions?: [number, Buffer][];
}

export const LOOPBACK6 = Buffer.from("00000000000000000000000000000001", "hex");

export function ipv6(payload: Buffer, spec: Ipv6Spec = {}): Buffer {
  const exts = spec.extensions ?? [];
  const chain = exts.map(([, bytes], i) => {
    const b = Buffer.from(bytes);
    b[0] = exts[i + 1]?.[0] ?? spec.protocol ?? 6;
    return b;
  });
  const body = Buffer.concat([...chain, payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(body.length, 4);
  h[6] = exts[0]?.[0] ?? spec.protocol ?? 6;
  h[7] = 64;
  (spec.source ?? LOOPBACK6).copy(h, 8);
  (spec.destination ?? LOOPBACK6).copy(h, 24);
  return Buffer.concat([h, body]);
}

export interface TcpSpec {
  sourcePort?: number;
  destinationPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  urgent?: number;
  /** TCP options, a multiple of 4 bytes. */
  options?: Buffer;
  payload?: Buffer | string;
}

export const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

export function tcp(spec: TcpSpec = {}): Buffer {
  const options = spec.options ?? Buffer.alloc(0);
  const payload =
    typeof spec.payload === "string" ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const h = Buffer.alloc(20 + options.length);
  h.writeUInt16BE(spec.sourcePort ?? 40000, 0);
  h.writeUInt16BE(spec.destinationPort ?? 9190, 2);
  h.writeUInt32BE(spec.seq ?? 1000, 4);
  h.writeUInt32BE(spec.ack ?? 0, 8);
  h[12] = (h.length / 4) << 4;
  h[13] = spec.flags ?? F.ACK;
  h.writeUInt16BE(spec.window ?? 512, 14);
  h.writeUInt16BE(spec.urgent ?? 0, 18);
  options.copy(h, 20);
  return Buffer.concat([h, payload]);
}

export function udp(payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(5353, 0);
  h.writeUInt16BE(53, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** The same little-endian pcap file as a big-endian machine would have written it. */
export function toBigEndian(file: Buffer): Buffer {
  const out = Buffer.from(file);
  out.writeUInt32BE(file.readUInt32LE(0), 0);
  out.writeUInt16BE(file.readUInt16LE(4), 4);
  out.writeUInt16BE(file.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) out.writeUInt32BE(file.readUInt32LE(at), at);
  for (let at = 24; at + 16 <= file.length;) {
    for (let f = 0; f < 16; f += 4) out.writeUInt32BE(file.readUInt32LE(at + f), at + f);
    at += 16 + file.readUInt32LE(at + 8);
  }
  return out;
}

/** Every record of a little-endian pcap file: [record header, frame]. */
export function recordsOf(file: Buffer): [Buffer, Buffer][] {
  const records: [Buffer, Buffer][] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const length = file.readUInt32LE(at + 8);
    records.push([file.subarray(at, at + 16), file.subarray(at + 16, at + 16 + length)]);
    at += 16 + length;
  }
  return records;
}

/** A pcap file with another link type: each frame's link header replaced (strip bytes, then prepend). */
export function relink(file: Buffer, linkType: number, convert: (frame: Buffer) => Buffer): Buffer {
  const header = Buffer.from(file.subarray(0, 24));
  header.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [header];
  for (const [rh, frame] of recordsOf(file)) {
    const data = convert(frame);
    const h = Buffer.from(rh);
    h.writeUInt32LE(data.length, 8);
    h.writeUInt32LE(data.length, 12);
    parts.push(h, data);
  }
  return Buffer.concat(parts);
}

/**
 * The same little-endian pcap file as tcpdump -s `snapLength` would have written it: each record keeps its first
 * `snapLength` bytes (its original length unchanged), and the global header says so.
 */
export function snapshot(file: Buffer, snapLength: number): Buffer {
  const header = Buffer.from(file.subarray(0, 24));
  header.writeUInt32LE(snapLength, 16);
  const parts: Buffer[] = [header];
  for (const [rh, frame] of recordsOf(file)) {
    const data = frame.subarray(0, snapLength);
    const h = Buffer.from(rh);
    h.writeUInt32LE(data.length, 8);
    parts.push(h, data);
  }
  return Buffer.concat(parts);
}

/** Packets no loopback session sends, for fixtures/crafted/edge-cases.pcap (tcpdump's reading beside it). */
export function edgeCases(): Buffer {
  const hbh = Buffer.alloc(8);
  const dstopt = Buffer.alloc(16);
  dstopt[1] = 1; // 2 × 8 bytes
  const v4 = (segment: Buffer, spec: Ipv4Spec = {}) => ethernet(0x0800, ipv4(segment, spec));
  const v6 = (segment: Buffer, spec: Ipv6Spec = {}) => ethernet(0x86dd, ipv6(segment, spec));
  return pcapFile(1, [
    v4(tcp({ flags: 0, seq: 5 })),
    v4(tcp({ flags: F.URG | F.ACK | F.PSH, urgent: 3, payload: "abc" })),
    v4(tcp({ flags: 0xff, payload: "x" })),
    v4(tcp({ flags: F.SYN | F.ECE | F.CWR, seq: 4294967295, payload: "zz" }), {
      options: Buffer.from([1, 1, 1, 0]),
    }),
    v4(tcp({ flags: F.RST, seq: 77, ack: 99 })),
    v4(tcp({ flags: F.FIN | F.PSH | F.ACK, seq: 10, ack: 20, payload: "bye\n" })),
    v4(tcp({ flags: F.ACK, ack: 1 }), { source: "10.0.0.1", destination: "192.168.1.20" }),
    v6(tcp({ flags: F.ACK, payload: "hi" }), {
      extensions: [
        [0, hbh],
        [60, dstopt],
      ],
    }),
    v6(tcp({ flags: F.ACK | F.FIN }), { extensions: [[44, Buffer.alloc(8)]] }),
    v6(tcp({ flags: F.SYN, sourcePort: 1, destinationPort: 65535 }), {
      source: Buffer.from("fe800000000000000000000000000001", "hex"),
      destination: Buffer.from("20010db8000000000001000000000001", "hex"),
    }),
  ]);
}

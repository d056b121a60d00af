// @ts-check
// A small, strict reader for the zip GitHub serves an artifact as: stored or deflated entries, read through the
// central directory, inflated with zlib's inflateRaw, each checked against its size and CRC-32. The archive is
// untrusted: sizes are capped before and while inflating, nothing is written to disk (so no path in it matters),
// and anything unusual (zip64, encryption, other methods) is refused.
import { inflateRawSync } from "node:zlib";

/** Limits for an untrusted archive. */
export const ZIP_LIMITS = { maxEntries: 64, maxEntryBytes: 4 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** @type {Uint32Array | undefined} */
let table;

/**
 * CRC-32 (IEEE), as zip stores it. zlib.crc32 is newer than the runner's Node may be.
 * @param {Uint8Array} data
 */
export function crc32(data) {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = /** @type {number} */ (table[(crc ^ byte) & 0xff]) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** @param {string} why */
function bad(why) {
  return new Error(`not a zip this poster reads: ${why}`);
}

/**
 * The files of a zip archive by name (folders left out).
 * @param {Buffer} zip
 * @param {Partial<typeof ZIP_LIMITS>} [limits]
 * @returns {Map<string, Buffer>}
 */
export function unzip(zip, limits = {}) {
  const { maxEntries, maxEntryBytes, maxTotalBytes } = { ...ZIP_LIMITS, ...limits };
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535.
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw bad("no end-of-central-directory record");
  const count = zip.readUInt16LE(eocd + 10);
  const size = zip.readUInt32LE(eocd + 12);
  const offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw bad("zip64");
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 8) !== count) throw bad("multi-disk");
  if (count > maxEntries) throw bad(`${count} entries (at most ${maxEntries})`);
  if (offset + size > eocd) throw bad("central directory out of range");

  /** @type {Map<string, Buffer>} */
  const files = new Map();
  let total = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || zip.readUInt32LE(at) !== CENTRAL) throw bad("broken central directory");
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const unpacked = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    at = next;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw bad(`${name} is encrypted`);
    if (unpacked > maxEntryBytes) throw bad(`${name} is ${unpacked} bytes (at most ${maxEntryBytes})`);
    total += unpacked;
    if (total > maxTotalBytes) throw bad(`more than ${maxTotalBytes} bytes in all`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw bad(`${name}: no local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (start + packed > zip.length) throw bad(`${name} runs past the end`);
    const data = zip.subarray(start, start + packed);
    /** @type {Buffer} */
    let content;
    if (method === 0) content = Buffer.from(data);
    else if (method === 8) {
      try {
        // One byte over the declared size is enough to catch a lie, without inflating a bomb.
        content = inflateRawSync(data, { maxOutputLength: unpacked + 1 });
      } catch (e) {
        throw bad(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else throw bad(`${name}: compression method ${method}`);
    if (content.length !== unpacked) throw bad(`${name}: ${content.length} bytes, ${unpacked} declared`);
    if (crc32(content) !== crc) throw bad(`${name}: CRC mismatch`);
    if (files.has(name)) throw bad(`${name} twice`);
    files.set(name, content);
  }
  return files;
}

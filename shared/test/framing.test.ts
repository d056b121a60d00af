// ByteReader, the buffered reader the layers' read()/recv() go through: bytes never lost, duplicated or reordered
// however the stream is cut, backpressure, errors and the end. Its errors' texts are not translated, so no language
// is pinned.
import { PassThrough } from "node:stream";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ByteReader, FrameTooLargeError } from "../src/framing/index.ts";
import { errorMatching } from "../src/testing/index.ts";

/** Cuts `data` at the given points (sorted, deduplicated, inside the buffer). */
function cut(data: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...at, data.length]) {
    pieces.push(data.subarray(from, p));
    from = p;
  }
  return pieces;
}

/** A stream fed with these pieces, each on its own turn of the event loop. */
function feed(pieces: Buffer[]): PassThrough {
  const stream = new PassThrough();
  void (async () => {
    for (const p of pieces) {
      stream.write(p);
      await new Promise((resolve) => setImmediate(resolve));
    }
    stream.end();
  })();
  return stream;
}

/** What the layers' read() does: waits for bytes or the end, copies at most n, and throws the stream's error once none wait. */
async function readSome(reader: ByteReader, n: number): Promise<Buffer> {
  await reader.whenReadable();
  const target = Buffer.alloc(n);
  const got = reader.readAvailable(target, n);
  if (got === 0 && reader.failure) throw reader.failure;
  return target.subarray(0, got);
}

describe("ByteReader", () => {
  it("a read returns at most n bytes of what has arrived and keeps the rest", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.write("hello world");
    expect((await readSome(reader, 5)).toString()).toBe("hello");
    expect((await readSome(reader, 100)).toString()).toBe(" world");
    source.end();
    expect((await readSome(reader, 10)).length).toBe(0);
  });

  it("readExactly waits across chunks and says how many bytes were missing at EOF", async () => {
    const reader = new ByteReader(feed([Buffer.from("ab"), Buffer.from("cd"), Buffer.from("e")]));
    expect((await reader.readExactly(4)).toString()).toBe("abcd");
    await expect(reader.readExactly(3)).rejects.toThrow(
      errorMatching("stream ended 2 byte(s) short: wanted 3 bytes, got 1"),
    );
  });

  it("readLine handles LF, CRLF, a last line without newline, then null", async () => {
    const reader = new ByteReader(feed(cut(Buffer.from("one\r\ntwo\n\n안녕\nlast"), [2, 4, 11, 14])));
    const lines: (string | null)[] = [];
    for (let i = 0; i < 6; i++) lines.push(await reader.readLine());
    expect(lines).toEqual(["one", "two", "", "안녕", "last", null]);
  });

  it("keeps every byte in order under random chunking (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        async (data, points, sizes) => {
          const reader = new ByteReader(feed(cut(Buffer.from(data), points)), { highWaterMark: 16 });
          const got: Buffer[] = [];
          for (let i = 0; ; i++) {
            const piece = await readSome(reader, sizes[i % sizes.length] as number);
            if (piece.length === 0) break;
            got.push(piece);
          }
          expect(Buffer.concat(got).equals(Buffer.from(data))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads a message larger than its high-water mark (pauses, then resumes for a waiting reader)", async () => {
    const big = Buffer.alloc(200_000, 1);
    const reader = new ByteReader(feed(cut(big, [1000, 70_000, 150_000])), { highWaterMark: 1024 });
    expect((await reader.readExactly(big.length)).equals(big)).toBe(true);
  });

  it("pauses the source while unread bytes pass the high-water mark (backpressure)", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source, { highWaterMark: 8 });
    source.write(Buffer.alloc(20));
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.isPaused()).toBe(true);
    await readSome(reader, 20);
    expect(source.isPaused()).toBe(false);
  });

  it("gives the bytes that came before an error, then the error", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.write("partial");
    await new Promise((resolve) => setImmediate(resolve));
    source.destroy(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    expect((await readSome(reader, 100)).toString()).toBe("partial");
    await expect(readSome(reader, 100)).rejects.toThrow(errorMatching("reset"));
  });

  it("refuses two reads at once and bad sizes", async () => {
    const reader = new ByteReader(new PassThrough());
    const first = readSome(reader, 1);
    await expect(reader.readExactly(1)).rejects.toThrow(errorMatching("one read at a time"));
    await expect(reader.readExactly(1.5)).rejects.toThrow(RangeError);
    await expect(reader.readUntil("")).rejects.toThrow(errorMatching("must not be empty"));
    void first;
  });

  it("readUntil refuses a line longer than its maximum", async () => {
    const reader = new ByteReader(feed([Buffer.from("x".repeat(100))]));
    await expect(reader.readUntil("\n", 10)).rejects.toThrow(FrameTooLargeError);
  });

  it("sees the end of a stream that closed before the reader was made", async () => {
    const source = new PassThrough();
    source.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const reader = new ByteReader(source);
    expect((await readSome(reader, 5)).length).toBe(0);
    expect(reader.ended).toBe(true);
  });
});

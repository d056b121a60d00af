// ByteReader and the framing errors edge by edge: each case pins one rule the layers' read()/recv() rely on (found by mutation testing:
// see MUTATION.md). Errors are checked by class and message: vitest's toThrow("text") also passes when the
// promise rejects with `undefined`. The framing errors' texts are not translated, so no language is pinned.
import { once } from "node:events";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import { KataError } from "../src/cli/index.ts";
import { ByteReader, FrameTooLargeError, UnexpectedEofError } from "../src/framing/index.ts";
import { errorMatching } from "../src/testing/index.ts";

const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Waits for the stream's "close" (events.once would reject on the "error" that comes first). */
const closed = (s: PassThrough) => new Promise((resolve) => s.once("close", resolve));
const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

/** A promise's state after the events already due have run. */
async function settled(promise: Promise<unknown>): Promise<"pending" | "done"> {
  let state: "pending" | "done" = "pending";
  void promise.then(
    () => (state = "done"),
    () => (state = "done"),
  );
  await turn();
  return state;
}

describe("ByteReader: backpressure at the high-water mark", () => {
  it("pauses once exactly the mark is buffered, not a byte before, and resumes once under it", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source, { highWaterMark: 8 });
    source.write(Buffer.alloc(7));
    await turn();
    expect(source.isPaused(), "7 of 8 bytes buffered").toBe(false);
    source.write(Buffer.alloc(3));
    await turn();
    expect(source.isPaused(), "10 of 8 bytes buffered").toBe(true);
    expect(reader.buffered).toBe(10);
    reader.readAvailable(Buffer.alloc(2));
    expect(source.isPaused(), "8 of 8 bytes buffered after a read").toBe(true);
    reader.readAvailable(Buffer.alloc(1));
    expect(source.isPaused(), "7 of 8 bytes buffered after a read").toBe(false);
  });

  it("has a default mark of 64 KiB", async () => {
    const source = new PassThrough({ highWaterMark: 256 * 1024 });
    const reader = new ByteReader(source);
    source.write(Buffer.alloc(64 * 1024 - 1));
    await turn();
    expect(source.isPaused()).toBe(false);
    source.write(Buffer.alloc(1));
    await turn();
    expect(source.isPaused()).toBe(true);
    expect(reader.buffered).toBe(64 * 1024);
  });

  it("lets bytes flow past the mark for a read that needs more than is buffered", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source, { highWaterMark: 8 });
    source.write(Buffer.alloc(10, 1));
    await turn();
    expect(source.isPaused()).toBe(true);
    const whole = reader.readExactly(20);
    source.write(Buffer.alloc(10, 2));
    expect((await whole).equals(Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 2)]))).toBe(true);
  });
});

describe("ByteReader: what it reads", () => {
  it("takes text chunks (a stream with an encoding set) as their UTF-8 bytes", async () => {
    const source = new PassThrough();
    source.setEncoding("utf8");
    const reader = new ByteReader(source);
    source.end("안녕, TCP");
    expect((await reader.readExactly(Buffer.byteLength("안녕, TCP"))).equals(Buffer.from("안녕, TCP"))).toBe(
      true,
    );
  });

  it("readUntil takes a text or a byte delimiter, and a line up to 16 MiB by default", async () => {
    const line = "x".repeat(70_000);
    const source = new PassThrough({ highWaterMark: 1 << 20 });
    const reader = new ByteReader(source);
    source.write(`a--b\r\n`);
    expect((await reader.readUntil("--"))?.toString()).toBe("a");
    expect((await reader.readUntil(Buffer.from("\r\n")))?.toString()).toBe("b");
    // The long line arrives before its newline, so the limit is checked against it.
    source.write(line);
    const long = reader.readLine();
    await turn();
    source.end("\n");
    expect(await long).toBe(line);
    expect(await reader.readLine()).toBeNull();
  });

  it("readUntil allows exactly maxLength bytes without a delimiter, and refuses one more", async () => {
    const ok = new PassThrough();
    const fits = new ByteReader(ok);
    ok.write("12345");
    const line = fits.readUntil("\n", 5);
    await turn();
    ok.end("\n");
    expect((await line)?.toString()).toBe("12345");
    const long = new PassThrough();
    long.end("123456");
    await expect(new ByteReader(long).readUntil("\n", 5)).rejects.toBeInstanceOf(FrameTooLargeError);
  });

  it("readLine strips one CR before the LF and keeps a lone CR inside the line", async () => {
    const source = new PassThrough();
    source.end("a\rb\r\n\r\n");
    const reader = new ByteReader(source);
    expect(await reader.readLine()).toBe("a\rb");
    expect(await reader.readLine()).toBe("");
    expect(await reader.readLine()).toBeNull();
  });

  it("readExactly(0) answers at once with no byte, even with nothing buffered", async () => {
    const reader = new ByteReader(new PassThrough());
    expect(await settled(reader.readExactly(0))).toBe("done");
    expect((await reader.readExactly(0)).length).toBe(0);
  });

  it("refuses sizes that are negative or not whole, naming the call and the size", async () => {
    const reader = new ByteReader(new PassThrough());
    await expect(reader.readExactly(-1)).rejects.toBeInstanceOf(RangeError);
    await expect(reader.readExactly(1.5)).rejects.toHaveProperty(
      "message",
      "readExactly(n): n must be a whole number >= 0, got 1.5",
    );
    await expect(reader.readExactly(-2)).rejects.toHaveProperty(
      "message",
      "readExactly(n): n must be a whole number >= 0, got -2",
    );
  });

  it("readAvailable copies nothing for a size of 0 or less, and keeps what is buffered", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.write("abc");
    await turn();
    const target = Buffer.alloc(3);
    expect(reader.readAvailable(target, 0)).toBe(0);
    expect(reader.readAvailable(target, -1)).toBe(0);
    expect(reader.buffered).toBe(3);
    expect(reader.readAvailable(target)).toBe(3);
    expect(target.toString()).toBe("abc");
    expect(reader.buffered).toBe(0);
  });
});

describe("ByteReader: the end and errors", () => {
  it("tells buffered and ended apart: bytes may wait after the end", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    expect([reader.buffered, reader.ended]).toEqual([0, false]);
    source.end("hi");
    await once(source, "end");
    expect([reader.buffered, reader.ended, reader.endedCleanly]).toEqual([2, true, true]);
    expect((await reader.readExactly(2)).toString()).toBe("hi");
    expect([reader.buffered, reader.ended]).toEqual([0, true]);
    expect(await reader.readLine(), "a read after everything was read").toBeNull();
    expect(reader.failure).toBeUndefined();
  });

  it("a stream that fails: failure holds the error, the end is not clean, a short readExactly throws it", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.write("par");
    await turn();
    const error = reset();
    source.destroy(error);
    await closed(source);
    expect(reader.failure).toBe(error);
    expect(reader.endedCleanly).toBe(false);
    expect(reader.ended).toBe(true);
    await expect(reader.readExactly(10)).rejects.toBe(error);
  });

  it("an end that comes after an error is not a clean end", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.emit("error", reset());
    source.emit("end");
    expect(reader.endedCleanly).toBe(false);
    expect(reader.ended).toBe(true);
  });

  it("readUntil gives the bytes before an error, then throws it", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    source.write("no newline yet");
    await turn();
    const error = reset();
    source.destroy(error);
    expect((await reader.readUntil("\n"))?.toString()).toBe("no newline yet");
    await expect(reader.readUntil("\n")).rejects.toBe(error);
  });

  it("readExactly at a clean end says how many bytes were missing", async () => {
    const source = new PassThrough();
    source.end("ab");
    const short = new ByteReader(source).readExactly(5);
    await expect(short).rejects.toBeInstanceOf(UnexpectedEofError);
    await expect(short).rejects.toHaveProperty(
      "message",
      "stream ended 3 byte(s) short: wanted 5 bytes, got 2",
    );
  });

  it("a stream destroyed without an error wakes a waiting read with the end", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    const waiting = reader.readUntil("\n");
    source.destroy();
    expect(await waiting).toBeNull();
  });

  it("a stream that failed before the reader was made: its error is the reader's failure", async () => {
    const source = new PassThrough();
    const error = reset();
    source.on("error", () => undefined);
    source.destroy(error);
    await closed(source);
    const reader = new ByteReader(source);
    expect(reader.failure).toBe(error);
    await expect(reader.readExactly(1)).rejects.toBe(error);
  });

  it("refuses a second read while one waits, through whenReadable too", async () => {
    const reader = new ByteReader(new PassThrough());
    const first = reader.readExactly(1);
    expect(() => reader.whenReadable()).toThrow(Error);
    expect(() => reader.whenReadable()).toThrow(
      errorMatching("ByteReader: one read at a time (await the previous read first)"),
    );
    await expect(reader.readExactly(1)).rejects.toHaveProperty(
      "message",
      "ByteReader: one read at a time (await the previous read first)",
    );
    void first;
  });

  it("refuses a read while whenReadable waits", async () => {
    const reader = new ByteReader(new PassThrough());
    const waiting = reader.whenReadable();
    await expect(reader.readExactly(1)).rejects.toHaveProperty(
      "message",
      "ByteReader: one read at a time (await the previous read first)",
    );
    void waiting;
  });

  it("whenReadable answers at once when bytes wait or the stream ended, and waits otherwise", async () => {
    const source = new PassThrough();
    const reader = new ByteReader(source);
    const waiting = reader.whenReadable();
    expect(await settled(waiting)).toBe("pending");
    source.write("x");
    expect(await settled(waiting)).toBe("done");
    expect(await settled(reader.whenReadable())).toBe("done");
    reader.readAvailable(Buffer.alloc(1));
    source.end();
    await once(source, "end");
    expect(await settled(reader.whenReadable())).toBe("done");
  });
});

describe("the framing errors", () => {
  it("carry their class names, stable codes and the numbers they report", () => {
    const eof = new UnexpectedEofError(6, 4);
    expect([eof.name, eof.code, eof.wanted, eof.got]).toEqual(["UnexpectedEofError", "KATA_EOF", 6, 4]);
    expect(eof.message).toBe("stream ended 2 byte(s) short: wanted 6 bytes, got 4");
    expect(new UnexpectedEofError(2, 1).message).toBe("stream ended 1 byte(s) short: wanted 2 bytes, got 1");
    expect(eof.stack).toMatch(/^UnexpectedEofError \[KATA_EOF\]: stream ended/);
    const big = new FrameTooLargeError(5, 4);
    expect([big.name, big.code, big.size, big.max]).toEqual(["FrameTooLargeError", "KATA_FRAME", 5, 4]);
    expect(big.message).toBe("frame of 5 bytes is larger than the maximum of 4 bytes");
    expect(big).toBeInstanceOf(KataError);
  });
});

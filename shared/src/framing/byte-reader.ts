import type { Readable } from "node:stream";

import { FrameTooLargeError, UnexpectedEofError } from "./errors.ts";

/**
 * A buffered reader over a byte stream (a socket or any Readable). It answers the questions a C `read` and a
 * protocol ask: "copy what has arrived, at most n bytes", "exactly n bytes", "up to this delimiter".
 * Bytes are never lost, duplicated or reordered, whatever the chunking; waiting costs no CPU (it awaits events).
 */
export class ByteReader {
  readonly #source: Readable;
  readonly #highWaterMark: number;
  #chunks: Buffer[] = [];
  /** Bytes of #chunks[0] already taken (kept as an offset: no new Buffer per read). */
  #offset = 0;
  #length = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #reading = false;
  /** Whether we paused the source (cheaper to ask than isPaused() on every read). */
  #paused = false;
  #endedCleanly = false;

  /** `highWaterMark`: the source is paused once this many bytes wait unread (backpressure reaches the sender). */
  constructor(source: Readable, options: { highWaterMark?: number } = {}) {
    this.#source = source;
    this.#highWaterMark = options.highWaterMark ?? 64 * 1024;
    source.on("data", (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (buf.length === 0) return;
      this.#chunks.push(buf);
      this.#length += buf.length;
      if (this.#length >= this.#highWaterMark && !this.#wake) {
        this.#paused = true;
        source.pause();
      }
      this.#notify();
    });
    source.once("end", () => {
      this.#ended = true;
      if (!this.#error) this.#endedCleanly = true;
      this.#notify();
    });
    source.once("error", (err: Error) => {
      this.#error = err;
      this.#notify();
    });
    // A stream destroyed without 'end' or 'error' has nothing more to give: treat it as the end.
    source.once("close", () => {
      this.#ended = true;
      this.#notify();
    });
    // A socket that failed or closed before we looked (reset while waiting for accept) still ends the stream.
    if (source.destroyed || source.readableEnded) {
      this.#ended = true;
      this.#error = source.errored ?? undefined;
    }
    source.resume();
  }

  /** Bytes that have arrived and not been read yet. */
  get buffered(): number {
    return this.#length;
  }

  /** The error the stream failed with, if it did (whether or not its bytes have all been read). */
  get failure(): Error | undefined {
    return this.#error;
  }

  /** True when the stream reached its end (a peer's FIN) before any error. */
  get endedCleanly(): boolean {
    return this.#endedCleanly;
  }

  /** True once no more bytes will arrive (the stream ended or failed); some may still wait unread. */
  get ended(): boolean {
    return this.#ended || this.#error !== undefined;
  }

  /**
   * Copies at most n of the bytes that have already arrived into target (from its start), without waiting
   * and without allocating; returns how many it copied (0 when none wait). The fast path of a C `read`.
   */
  readAvailable(target: Uint8Array, n: number = target.length): number {
    const count = Math.min(n, this.#length, target.length);
    if (count <= 0) return 0;
    this.#copyOut(target, count);
    return count;
  }

  /**
   * Resolves once at least one byte waits unread, or no more will come (ended or failed). One promise and no
   * async function: this is on the path of every read that has to wait.
   */
  whenReadable(): Promise<void> {
    if (this.#length > 0 || this.ended) return Promise.resolve();
    this.#oneAtATime();
    return this.#next();
  }

  /** Exactly n bytes; throws UnexpectedEofError (saying how many were missing) if the stream ends first. */
  async readExactly(n: number): Promise<Buffer> {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`readExactly(n): n must be a whole number >= 0, got ${n}`);
    await this.#waitFor(n);
    if (this.#length < n) {
      if (this.#error) throw this.#error;
      throw new UnexpectedEofError(n, this.#length);
    }
    return this.#take(n);
  }

  /**
   * Bytes up to the delimiter (the delimiter is consumed, not returned). At a clean end of stream with nothing
   * pending: null. At the end of stream with a partial message: that message (a last line without newline).
   * More than maxLength bytes without a delimiter: FrameTooLargeError.
   */
  async readUntil(delimiter: Buffer | string, maxLength = 16 * 1024 * 1024): Promise<Buffer | null> {
    const delim = typeof delimiter === "string" ? Buffer.from(delimiter) : delimiter;
    if (delim.length === 0) throw new RangeError("readUntil: the delimiter must not be empty");
    let scanned = 0;
    for (;;) {
      const joined = this.#coalesce();
      const at = joined.indexOf(delim, Math.max(0, scanned - delim.length + 1));
      if (at !== -1) {
        const message = this.#take(at);
        this.#take(delim.length);
        return message;
      }
      scanned = joined.length;
      if (scanned > maxLength) throw new FrameTooLargeError(scanned, maxLength);
      if (this.ended) {
        if (this.#length > 0) return this.#take(this.#length);
        if (this.#error) throw this.#error;
        return null;
      }
      await this.#waitFor(this.#length + 1);
    }
  }

  /** One line without its LF or CRLF; null at end of stream. Text is decoded as UTF-8 after the whole line came. */
  async readLine(maxLength?: number): Promise<string | null> {
    const line = await this.readUntil("\n", maxLength);
    if (line === null) return null;
    const end = line.at(-1) === 0x0d ? line.length - 1 : line.length;
    return line.toString("utf8", 0, end);
  }

  #coalesce(): Buffer {
    const head = this.#chunks[0];
    if (head && this.#offset > 0) {
      this.#chunks[0] = head.subarray(this.#offset);
      this.#offset = 0;
    }
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  #take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    this.#copyOut(out, n);
    return out;
  }

  /** Moves the first n buffered bytes into out (n <= buffered). */
  #copyOut(out: Uint8Array, n: number): void {
    let filled = 0;
    while (filled < n) {
      const head = this.#chunks[0] as Buffer;
      const take = Math.min(head.length - this.#offset, n - filled);
      const whole = this.#offset === 0 && take === head.length;
      out.set(whole ? head : new Uint8Array(head.buffer, head.byteOffset + this.#offset, take), filled);
      filled += take;
      this.#offset += take;
      if (this.#offset === head.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#length -= n;
    if (this.#paused && this.#length < this.#highWaterMark && !this.#ended) this.#resume();
  }

  #resume(): void {
    this.#paused = false;
    this.#source.resume();
  }

  #oneAtATime(): void {
    if (this.#reading || this.#wake)
      throw new Error("ByteReader: one read at a time (await the previous read first)");
  }

  /** The next chunk, end or error. Someone needs more than is buffered: bytes flow even past the high-water mark. */
  #next(): Promise<void> {
    if (this.#paused) this.#resume();
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Resolves when at least `n` bytes are buffered, or the stream ended or failed. */
  async #waitFor(n: number): Promise<void> {
    this.#oneAtATime();
    this.#reading = true;
    try {
      while (this.#length < n && !this.ended) await this.#next();
    } finally {
      this.#reading = false;
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

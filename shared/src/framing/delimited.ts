import { FrameTooLargeError, UnexpectedEofError } from "./errors.ts";
import { DEFAULT_MAX_FRAME } from "./length-prefixed.ts";

function asBytes(value: Uint8Array | string): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
}

/** A message followed by the delimiter. The message must not contain the delimiter itself. */
export function encodeDelimited(message: Uint8Array | string, delimiter: Uint8Array | string = "\n"): Buffer {
  const body = asBytes(message);
  const delim = asBytes(delimiter);
  if (delim.length === 0) throw new RangeError("encodeDelimited: the delimiter must not be empty");
  if (body.includes(delim)) {
    throw new RangeError(
      `encodeDelimited: the message contains the delimiter ${JSON.stringify(delim.toString())}`,
    );
  }
  return Buffer.concat([body, delim]);
}

/**
 * Splits a stream on a delimiter, chunk by chunk; a delimiter cut across two chunks is still found.
 * `end` throws if bytes are left without their delimiter.
 */
export class DelimiterDecoder {
  readonly #delim: Buffer;
  readonly #max: number;
  #buffer = Buffer.alloc(0);
  #scanned = 0;

  constructor(delimiter: Uint8Array | string = "\n", options: { maxFrameSize?: number } = {}) {
    this.#delim = asBytes(delimiter);
    if (this.#delim.length === 0) throw new RangeError("DelimiterDecoder: the delimiter must not be empty");
    this.#max = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  push(chunk: Uint8Array): Buffer[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const messages: Buffer[] = [];
    let start = 0;
    for (;;) {
      const from = Math.max(start, this.#scanned - this.#delim.length + 1);
      const at = this.#buffer.indexOf(this.#delim, from);
      if (at === -1) break;
      if (at - start > this.#max) throw new FrameTooLargeError(at - start, this.#max);
      messages.push(Buffer.from(this.#buffer.subarray(start, at)));
      start = at + this.#delim.length;
      this.#scanned = start;
    }
    this.#buffer = this.#buffer.subarray(start);
    this.#scanned = this.#buffer.length;
    if (this.#buffer.length > this.#max) throw new FrameTooLargeError(this.#buffer.length, this.#max);
    return messages;
  }

  end(): void {
    if (this.#buffer.length > 0) {
      throw new UnexpectedEofError(
        this.#buffer.length + this.#delim.length,
        this.#buffer.length,
        "bytes (no delimiter)",
      );
    }
  }
}

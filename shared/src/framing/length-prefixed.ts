import type { ByteReader } from "./byte-reader.ts";
import { FrameTooLargeError, UnexpectedEofError } from "./errors.ts";

/** Frames this library refuses unless told otherwise: 16 MiB. */
export const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;
const HEADER = 4;

/** A frame: the payload's length as an unsigned 32-bit big-endian integer, then the payload. */
export function encodeFrame(payload: Uint8Array | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  if (body.length > 0xffff_ffff) throw new FrameTooLargeError(body.length, 0xffff_ffff);
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, HEADER);
  return out;
}

/**
 * Turns chunks of a length-prefixed stream back into payloads, however the chunks were cut.
 * `push` returns the frames completed by that chunk; `end` throws if the stream stopped inside a frame.
 */
export class FrameDecoder {
  readonly #max: number;
  #pending: Buffer[] = [];
  #pendingLength = 0;
  #need: number | undefined;

  constructor(options: { maxFrameSize?: number } = {}) {
    this.#max = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
  }

  /** Bytes held back, waiting for the rest of their frame. */
  get pending(): number {
    return this.#pendingLength;
  }

  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length > 0) {
      this.#pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.#pendingLength += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#need === undefined) {
        if (this.#pendingLength < HEADER) break;
        const size = this.#take(HEADER).readUInt32BE(0);
        if (size > this.#max) throw new FrameTooLargeError(size, this.#max);
        this.#need = size;
      }
      if (this.#pendingLength < this.#need) break;
      frames.push(this.#take(this.#need));
      this.#need = undefined;
    }
    return frames;
  }

  end(): void {
    if (this.#need !== undefined)
      throw new UnexpectedEofError(this.#need, this.#pendingLength, "payload bytes");
    if (this.#pendingLength > 0) throw new UnexpectedEofError(HEADER, this.#pendingLength, "header bytes");
  }

  #take(n: number): Buffer {
    const all = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    const out = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingLength = rest.length;
    return out;
  }
}

/** Reads one frame from a ByteReader; null at a clean end of stream between frames. */
export async function readFrame(
  reader: ByteReader,
  maxFrameSize = DEFAULT_MAX_FRAME,
): Promise<Buffer | null> {
  if (reader.done) return null;
  const first = await reader.readSome(HEADER);
  if (first.length === 0) return null;
  const header =
    first.length === HEADER ? first : Buffer.concat([first, await reader.readExactly(HEADER - first.length)]);
  const size = header.readUInt32BE(0);
  if (size > maxFrameSize) throw new FrameTooLargeError(size, maxFrameSize);
  return reader.readExactly(size);
}

import { StringDecoder } from "node:string_decoder";

/**
 * UTF-8 text from chunks that may cut a character in two (Korean text is 3 bytes a syllable): the bytes of an
 * unfinished character wait for the next chunk instead of turning into U+FFFD.
 */
export class Utf8Stream {
  readonly #decoder = new StringDecoder("utf8");

  write(chunk: Uint8Array): string {
    return this.#decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
  }

  /** What is left; an unfinished character at the very end becomes U+FFFD, as UTF-8 decoding must. */
  end(): string {
    return this.#decoder.end();
  }
}

/** Decodes a list of chunks as one UTF-8 text. */
export function decodeUtf8(chunks: Iterable<Uint8Array>): string {
  const stream = new Utf8Stream();
  let text = "";
  for (const chunk of chunks) text += stream.write(chunk);
  return text + stream.end();
}

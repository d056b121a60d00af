/**
 * Turning a TCP byte stream into messages and back. TCP keeps the order of bytes but not the boundaries of
 * writes: one write can arrive in many reads and many writes in one read. Everything here is built for that.
 * @module
 */
export { ByteReader, type ByteReaderOptions } from "./byte-reader.ts";
export { DelimiterDecoder, encodeDelimited } from "./delimited.ts";
export { FrameTooLargeError, UnexpectedEofError } from "./errors.ts";
export { DEFAULT_MAX_FRAME, encodeFrame, FrameDecoder, readFrame } from "./length-prefixed.ts";
export { decodeUtf8, Utf8Stream } from "./utf8.ts";

/**
 * Turning a TCP byte stream into messages. TCP keeps the order of bytes but not the boundaries of writes: one
 * write can arrive in many reads and many writes in one read. The buffered reader here is what the socket
 * layers read through; a program may use it on a node:net socket too (readExactly, readLine, readUntil).
 * @module
 */
export { ByteReader } from "./byte-reader.ts";
export { FrameTooLargeError, UnexpectedEofError } from "./errors.ts";

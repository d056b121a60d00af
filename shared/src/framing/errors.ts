/** The stream ended in the middle of something that needed more bytes. */
export class UnexpectedEofError extends Error {
  override readonly name = "UnexpectedEofError";
  constructor(
    readonly wanted: number,
    readonly got: number,
    what = "bytes",
  ) {
    super(`stream ended ${wanted - got} byte(s) short: wanted ${wanted} ${what}, got ${got}`);
  }
}

/** A frame larger than the decoder accepts (a guard against a peer making us buffer without bound). */
export class FrameTooLargeError extends Error {
  override readonly name = "FrameTooLargeError";
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`frame of ${size} bytes is larger than the maximum of ${max} bytes`);
  }
}

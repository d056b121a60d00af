import { KataError } from "../cli/errors.ts";

/** The stream ended in the middle of something that needed more bytes (code KATA_EOF). */
export class UnexpectedEofError extends KataError {
  declare readonly code: "KATA_EOF";
  constructor(
    readonly wanted: number,
    readonly got: number,
  ) {
    super(
      "UnexpectedEofError",
      "KATA_EOF",
      `stream ended ${wanted - got} byte(s) short: wanted ${wanted} bytes, got ${got}`,
    );
  }
}

/** More bytes without a delimiter than a reader accepts: a guard against buffering without bound (code KATA_FRAME). */
export class FrameTooLargeError extends KataError {
  declare readonly code: "KATA_FRAME";
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(
      "FrameTooLargeError",
      "KATA_FRAME",
      `frame of ${size} bytes is larger than the maximum of ${max} bytes`,
    );
  }
}

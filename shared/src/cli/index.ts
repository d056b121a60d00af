/**
 * What every ported program needs around its socket calls: the listing's Usage check, error_handling(),
 * line input that works on a terminal and a pipe, and an entry point that tests can call in-process.
 * @module
 */
export type { ProgramIO } from "../internal/context.ts";
export { processIO } from "../internal/context.ts";
export { isIPv4 } from "../posix/byte-order.ts";
export { checkArgs, parsePort } from "./args.ts";
export { connectionClosed, KataError, ProgramExit, todo, TodoError } from "./errors.ts";
export { type LineInput, lineInput } from "./lines.ts";
export {
  type ErrorCause,
  errorHandling,
  type Main,
  nodeErrorCause,
  program,
  type ProgramOptions,
  runIfMain,
} from "./program.ts";

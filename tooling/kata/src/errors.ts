import { KataError } from "@tcp-katas/shared/cli";

/**
 * Expected failures of the CLI, each with a stable code (undici's style): the CLI prints the message without a
 * stack and exits with `exitCode`. Tools and tests tell failures apart by `code`, never by message text.
 */
export type CliErrorCode =
  /** Bad command line: unknown command, flag, kata or stage, missing or extra arguments (exit 2). */
  | "KATA_USAGE"
  /** A kata.json that does not match the schema (exit 1). */
  | "KATA_MANIFEST"
  /** No workspace (pnpm-workspace.yaml) above the current folder, or no chapters/ in it (exit 1). */
  | "KATA_NO_WORKSPACE"
  /** The tests could not be run or did not finish (exit 1). */
  | "KATA_RUN"
  /** Anything else the user can fix: a missing folder, a missing tool (exit 1). */
  | "KATA_FAILED";

export class CliError extends KataError {
  declare readonly code: CliErrorCode;
  readonly exitCode: number;

  constructor(message: string, code: CliErrorCode = "KATA_FAILED") {
    super("CliError", code, message);
    this.exitCode = code === "KATA_USAGE" ? 2 : 1;
  }
}

/** A usage error: exit 2. */
export const usageError = (message: string) => new CliError(message, "KATA_USAGE");

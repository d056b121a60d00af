import { KataError } from "@tcp-katas/shared/cli";

/**
 * An expected failure of the CLI: printed without a stack, exit 2 for a bad command line (KATA_USAGE), else 1.
 * Tools and tests tell failures apart by `code`, never by message text.
 */
export class CliError extends KataError {
  declare readonly code: "KATA_USAGE" | "KATA_FAILED";

  constructor(message: string, code: "KATA_USAGE" | "KATA_FAILED" = "KATA_FAILED") {
    super("CliError", code, message);
  }
}

export const usageError = (message: string) => new CliError(message, "KATA_USAGE");

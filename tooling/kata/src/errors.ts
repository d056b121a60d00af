/** An expected failure: the CLI prints the message (no stack) and exits with the code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** Thrown by errorHandling() and usage checks: the program ends with this exit code (C's exit(n)). */
export class ProgramExit extends Error {
  override readonly name = "ProgramExit";
  readonly code = "KATA_EXIT";
  constructor(readonly exitCode: number) {
    super(`exit(${exitCode})`);
  }
}

/** Thrown by todo(): a part of a starter the learner has not written yet. */
export class TodoError extends Error {
  override readonly name = "TodoError";
  readonly code = "KATA_TODO";
}

/**
 * Marks a part of a starter still to write. The program stops at once with `TODO: <what>` on stderr, and the
 * kata's tests fail with that text, so the learner sees what to do next.
 */
export function todo(what: string): never {
  throw new TodoError(`TODO: ${what}`);
}

import { t } from "../i18n/messages.ts";
import type { ErrorCause } from "./program.ts";

/**
 * An error of the katas' own, with a stable `code` (as undici and Node do) that tools can rely on whatever the
 * language of the message. The code also heads the stack, `NotDoneYet [KATA_NOT_DONE]: ...`, so it survives
 * reporters that keep only the stack text (vitest's JSON reporter), while vitest's error serialization keeps the
 * `code` property itself.
 */
export class KataError extends Error {
  readonly code: string;

  constructor(name: string, code: string, message: string) {
    super(message);
    this.name = name;
    this.code = code;
    if (this.stack?.startsWith(`${name}: `))
      this.stack = `${name} [${code}]: ${this.stack.slice(name.length + 2)}`;
  }
}

/**
 * A mistake the socket layers can name as it happens (a loop that never ends, a missing await): program()
 * prints its message as one line, without a stack, and the program ends with exit code 1.
 */
export class LessonError extends KataError {}

/** Thrown by errorHandling() and usage checks: the program ends with `exitCode` (C's exit(n)). */
export class ProgramExit extends KataError {
  declare readonly code: "KATA_EXIT";

  constructor(readonly exitCode: number) {
    super("ProgramExit", "KATA_EXIT", `exit(${exitCode})`);
  }
}

/** Thrown by todo(): a part of a starter the learner has not written yet. */
export class TodoError extends KataError {
  declare readonly code: "KATA_TODO";

  constructor(message: string) {
    super("TodoError", "KATA_TODO", message);
  }
}

/**
 * Marks a part of a starter still to write. The program stops at once with `TODO: <what>` on stderr (in the
 * learner's language when `ko` is given), and the kata's tests fail with that text, so the learner sees what to
 * do next.
 */
export function todo(what: string, ko: string): never {
  throw new TodoError(`TODO: ${t({ en: what, ko })}`);
}

/**
 * The cause to report when the peer closed the connection (read() returned 0, end of stream) before a whole
 * message arrived: `errorHandling("read() error", connectionClosed())` prints
 * `read() error: the server closed the connection mid-message (EOF)`. lastError() would say nothing useful
 * here: the read did not fail, the stream ended.
 */
export function connectionClosed(): ErrorCause {
  return { name: "EOF", message: "the server closed the connection mid-message" };
}

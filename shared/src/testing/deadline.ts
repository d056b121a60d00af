import { KataError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";

/** How long a test waits for one thing a program should do before it fails, saying what it waited for. */
export const DEFAULT_DEADLINE_MS = 5_000;

/**
 * A wait ran out of time (code KATA_DEADLINE). `blocked` says, a line each, where the program was when the wait
 * ended and where the other programs of the test were (the CLI shows these lines in its failure block).
 */
export class DeadlineExceeded extends KataError {
  declare readonly code: "KATA_DEADLINE";
  readonly blocked: readonly string[];

  constructor(message: string, blocked: readonly string[] = []) {
    super("DeadlineExceeded", "KATA_DEADLINE", message);
    this.blocked = blocked;
  }
}

/**
 * Waits for `promise`, at most `ms`; then rejects with "Timed out after N ms waiting for <what>", where the
 * test's programs are (`blocked()`, a line each) and `context()` (the output so far): a hung program says why.
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  what: string,
  ms = DEFAULT_DEADLINE_MS,
  context?: () => string,
  blocked?: () => Promise<readonly string[]>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // A failure to say where the programs are must not keep the deadline from failing the wait.
      const found = (blocked?.() ?? Promise.resolve([])).catch((): readonly string[] => []);
      void found.then((where) => {
        const lines = [msg("deadline.timedOut", { ms, what }), ...where, context?.()].filter(Boolean);
        reject(new DeadlineExceeded(lines.join("\n"), where));
      });
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

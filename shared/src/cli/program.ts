import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { msg } from "../i18n/messages.ts";
import { currentContext, newContext, processIO, type ProgramIO, runInContext } from "../internal/context.ts";
import { fromNodeError } from "../internal/errno.ts";
import { closeAllAtExit } from "../internal/sockets.ts";
import { checkArgs } from "./args.ts";
import { LessonError, ProgramExit, TodoError } from "./errors.ts";

/**
 * A program's entry point: runs it with these arguments and resolves with its exit code. `params` (set by
 * program()) names the arguments, so a test runner knows which one is `<port>`.
 */
export type Main = ((args: readonly string[], io?: Partial<ProgramIO>) => Promise<number>) & {
  readonly params?: readonly string[];
  /** Set by program(): the program stops by itself on SIGINT/SIGTERM (see ProgramOptions). */
  readonly handlesSignals?: boolean;
};

export interface ProgramOptions<P extends readonly string[] = readonly string[]> {
  /** The name printed in `Usage : <name> ...` (the listing's argv[0]); the file name, e.g. "echo-server.ts". */
  name: string;
  /**
   * The listing's arguments, e.g. ["<IP>", "<port>"]: with them, program() makes the listing's
   * `if (argc != N)` check (the Usage line, exit 1), and checks `<port>` and `<IP>` for form. Without them
   * (a starter, before the learner declares them) the arguments reach the body unchecked.
   */
  params?: P;
  /** The program stops by itself on SIGINT/SIGTERM (io.signal); otherwise a signal ends it as it would a C program. */
  handlesSignals?: boolean;
}

/** The label and the reason, as the listings' error_handling prints them (plus the code). */
export interface ErrorCause {
  readonly name: string;
  readonly message: string;
  readonly errno?: number;
  readonly style?: "posix" | "winsock";
}

/**
 * The listings' error_handling(): prints `label: reason (CODE)` (Winsock: `label: reason WSAECODE (10048)`) to
 * the program's stderr and ends the program with exit code 1. No stack trace: this is an expected failure.
 */
export function errorHandling(label: string, cause?: ErrorCause): never {
  let reason = "";
  if (cause?.style === "winsock") reason = `: ${cause.message} ${cause.name} (${cause.errno ?? 0})`;
  else if (cause) reason = `: ${cause.message} (${cause.name})`;
  currentContext().io.stderr.write(`${label}${reason}\n`);
  throw new ProgramExit(1);
}

/** The cause of a Node error (an idiomatic node:net program's), in the same form: `listen() error: ... (EADDRINUSE)`. */
export const nodeErrorCause: (err: unknown) => ErrorCause = fromNodeError;

/**
 * Wraps a program body into `main(args, io)`: checks the arguments (the listing's Usage line), gives the run its
 * own errno and descriptor table, and turns errorHandling(), todo() and crashes into an exit code.
 */
export function program<const P extends readonly string[]>(
  options: ProgramOptions<P>,
  body: (args: { -readonly [K in keyof P]: string }, io: ProgramIO) => Promise<number | void>,
): Main {
  const main: Main = async (args, partial = {}) => {
    const outer: ProgramIO = { ...processIO(), ...partial };
    // The body gets its own signal whose listeners run inside this program (its descriptors, its errno),
    // whoever aborts the outer one.
    const local = new AbortController();
    const io: ProgramIO = { ...outer, signal: local.signal };
    const ctx = newContext(options.name, io);
    return runInContext(ctx, async () => {
      const forward = () => local.abort(outer.signal?.reason);
      if (outer.signal?.aborted) forward();
      else outer.signal?.addEventListener("abort", forward, { once: true });
      try {
        const checked = (options.params ? checkArgs(options.name, options.params, args, io) : [...args]) as {
          -readonly [K in keyof P]: string;
        };
        return (await body(checked, io)) ?? 0;
      } catch (err) {
        if (err instanceof ProgramExit) return err.exitCode;
        // A starter's TODO, or a mistake the layer named (a loop after 0 or -1, a missing await): one line.
        if (err instanceof TodoError || err instanceof LessonError) {
          io.stderr.write(`${err.message}\n`);
          return 1;
        }
        const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
        io.stderr.write(`${msg("program.unexpected", { name: options.name, error: text })}\n`);
        return 1;
      } finally {
        closeAllAtExit();
      }
    });
  };
  return Object.assign(main, { params: options.params, handlesSignals: options.handlesSignals === true });
}

function flush(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

function isEntry(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(path.resolve(entry)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Runs `main` when this file is the one started (`tsx echo-server.ts 9190`), not when a test imports it.
 * Like a C program's exit, the process ends when main returns: open sockets are closed by the OS, after
 * everything written has been handed to it and stdout/stderr are flushed.
 */
export function runIfMain(moduleUrl: string, main: Main, options: { handlesSignals?: boolean } = {}): void {
  if (!isEntry(moduleUrl)) return;
  const controller = new AbortController();
  // A call made without await fails in a Promise nobody awaits: its lesson, not a stack trace.
  process.on("unhandledRejection", (err) => {
    process.stderr.write(
      `${err instanceof LessonError ? err.message : String((err as Error)?.stack ?? err)}\n`,
    );
    process.exit(1);
  });
  if (options.handlesSignals ?? main.handlesSignals) {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
      stopping = true;
      controller.abort(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }
  void main(process.argv.slice(2), { ...processIO(), signal: controller.signal }).then(async (code) => {
    await Promise.all([flush(process.stdout), flush(process.stderr)]);
    process.exit(code);
  });
}

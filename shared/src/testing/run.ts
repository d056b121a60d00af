import { PassThrough } from "node:stream";

import type { Main } from "../cli/program.ts";
import { msg } from "../i18n/messages.ts";
import type { TraceEvent } from "../internal/context.ts";
import { registerCleanup } from "./cleanup.ts";
import { mirroredStream } from "./live.ts";
import { ProgramRun } from "./program-run.ts";

/** A program's main() running inside the test's process, with its own stdin/stdout/stderr and call trace. */
export class InProcessRun extends ProgramRun {
  readonly trace: TraceEvent[] = [];
  readonly #stdin = new PassThrough();
  readonly #controller = new AbortController();

  constructor(main: Main, args: readonly string[], label: string, deadlineMs?: number) {
    super(label, deadlineMs);
    this.expectPort(main.params, args);
    const stdout = mirroredStream(`${label} stdout`);
    const stderr = mirroredStream(`${label} stderr`);
    this.stdout.attach(stdout);
    this.stderr.attach(stderr);
    const run = main(args, {
      stdin: this.#stdin,
      stdout,
      stderr,
      signal: this.#controller.signal,
      observe: (event) => this.trace.push(event),
      onListening: (port) => this.listening(port),
    });
    void run.then(
      (code) => {
        // Let the last writes reach the Output before the exit is seen.
        setImmediate(() => this.exited(code));
      },
      (err: unknown) => {
        stderr.write(`${msg("run.mainRejected", { error: String(err) })}\n`);
        setImmediate(() => this.exited(1));
      },
    );
    registerCleanup(() => {
      this.#controller.abort();
      this.#stdin.end();
    });
  }

  write(text: string | Uint8Array): void {
    this.#stdin.write(text);
  }

  endInput(): void {
    this.#stdin.end();
  }

  stop(): void {
    this.#controller.abort("SIGTERM");
  }
}

/**
 * Starts `main(args)` in-process: fast, and its posix/winsock calls are traced. Give the label the learner
 * should read in messages ("your server").
 */
export function startProgram(
  main: Main,
  args: readonly string[],
  options: { label?: string; stdin?: string; deadlineMs?: number } = {},
): InProcessRun {
  const run = new InProcessRun(main, args, options.label ?? "your program", options.deadlineMs);
  if (options.stdin !== undefined) {
    run.write(options.stdin);
    run.endInput();
  }
  return run;
}

import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

import { msg } from "../i18n/messages.ts";
import { registerCleanup } from "./cleanup.ts";
import { ProgramRun } from "./program-run.ts";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** A program file run as its own process through tsx, as a learner runs it in a terminal. */
export class ChildRun extends ProgramRun {
  readonly child: ChildProcess;

  constructor(
    file: string,
    args: readonly string[],
    options: { label: string; cwd?: string; deadlineMs?: number; env?: NodeJS.ProcessEnv },
  ) {
    super(options.label, options.deadlineMs);
    this.child = spawn(process.execPath, ["--import", tsxLoader, file, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, TCP_KATAS_IPC: "1", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe", "ipc"],
    });
    if (this.child.stdout) this.stdout.attach(this.child.stdout);
    if (this.child.stderr) this.stderr.attach(this.child.stderr);
    this.child.stdin?.on("error", () => undefined);
    // A process that could not start never sends 'exit': end the run here, so no wait lasts to its deadline.
    this.child.once("error", (err) => {
      this.stderr.push(Buffer.from(`${err.message}\n`));
      if (this.child.pid === undefined) this.exited(127);
    });
    this.child.on("message", (message: unknown) => {
      const m = message as { type?: string; port?: number; params?: unknown };
      if (m.type === "params" && Array.isArray(m.params))
        this.expectPort(
          m.params.filter((p): p is string => typeof p === "string"),
          args,
        );
      if (m.type === "listening" && typeof m.port === "number") this.listening(m.port);
    });
    this.child.on("exit", (code, signal) => {
      const exit = code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : signal === "SIGINT" ? 2 : 15) : 1);
      // 'exit' can come before the last output: wait for both pipes to close.
      Promise.all([this.stdout.until((o) => o.ended), this.stderr.until((o) => o.ended)])
        .then(() => this.exited(exit))
        .catch(() => this.exited(exit));
    });
    registerCleanup(() => this.kill());
  }

  write(text: string | Uint8Array): void {
    this.child.stdin?.write(text);
  }

  endInput(): void {
    this.child.stdin?.end();
  }

  stop(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async kill(graceMs = 2_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.waitForExit(
      msg("run.what.endAfterSignal", { label: this.shownLabel, signal: "SIGTERM" }),
      graceMs + 1_000,
    ).catch(() => undefined);
    clearTimeout(timer);
  }
}

/** Runs a .ts program file as a child process (with a deadline on every wait, and a clean kill at the end). */
export function spawnProgram(
  file: string,
  args: readonly string[],
  options: {
    label?: string;
    cwd?: string;
    stdin?: string;
    deadlineMs?: number;
    env?: NodeJS.ProcessEnv;
  } = {},
): ChildRun {
  const run = new ChildRun(file, args, { label: options.label ?? "your program", ...options });
  if (options.stdin !== undefined) {
    run.write(options.stdin);
    run.endInput();
  }
  return run;
}

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import type { FromChild, TestResult, ToChild } from "./protocol.ts";

export interface RunOutcome {
  tests: TestResult[];
  /** Test files that could not be loaded, with the reason. */
  fileErrors: { file: string; message: string }[];
  /** Errors outside any test (an unhandled rejection, say). */
  errors: string[];
  /** Set when vitest itself could not start or crashed. */
  crash?: string;
}

export interface SessionOptions {
  /** KATA_TARGET for the run. */
  target: string;
  env?: NodeJS.ProcessEnv | undefined;
  /** Told about each test as it ends (for live output). */
  onTestEnd?: ((result: TestResult) => void) | undefined;
}

const CHILD = path.join(import.meta.dirname, "vitest-child.js");

/** Every live session, so that an exit of the CLI (Ctrl-C included) never leaves a vitest process behind. */
const live = new Set<Session>();
export function killAllSessions(): void {
  for (const s of live) s.kill();
}
process.once("exit", killAllSessions);

/**
 * A vitest process for one kata and target, kept warm between runs (kata watch). The learner's programs run
 * behind the test boundary (worker threads the tests end at their deadlines), so no test can freeze it: a run
 * always ends, and vitest's own test timeout bounds a test. If the CLI goes away, its IPC channel closes and
 * the vitest process exits with everything it started.
 */
export class Session {
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  /** The child's messages, and its exit (`why` it went), to whoever waits for them now. */
  #on: ((m: FromChild | { type: "exit"; why: string }) => void) | undefined;
  #log = "";

  constructor(
    private readonly kataDir: string,
    private readonly options: SessionOptions,
  ) {
    live.add(this);
  }

  #start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.options.env,
      KATA_TARGET: this.options.target,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    };
    // A kata runs as on a learner's machine, in CI too: CI=true would switch on vitest's CI defaults there.
    delete env.CI;
    // Started from inside a vitest run (the CLI's own tests), the inner vitest must not believe it is a worker.
    for (const key of Object.keys(env)) if (key === "VITEST" || key.startsWith("VITEST_")) delete env[key];
    const child = spawn(process.execPath, [CHILD], {
      cwd: this.kataDir,
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#child = child;
    this.#log = "";
    const keep = (d: Buffer) => {
      this.#log = (this.#log + d.toString()).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("message", (m: FromChild) => this.#on?.(m));
    child.on("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      this.#ready = undefined;
      this.#on?.({ type: "exit", why: `vitest exited (${signal ?? code})` });
    });
    return new Promise((resolve, reject) => {
      this.#on = (m) => {
        if (m.type === "ready") resolve();
        if (m.type === "fatal") reject(new Error(m.message));
        if (m.type === "exit") reject(new Error(`${m.why} before it was ready:\n${this.#log}`));
      };
    });
  }

  /** Runs these test files (absolute paths) and collects every result; `changed` files are read afresh. */
  async run(files: string[], changed: string[] = []): Promise<RunOutcome> {
    const outcome: RunOutcome = { tests: [], fileErrors: [], errors: [] };
    try {
      await (this.#ready ??= this.#start());
    } catch (err) {
      this.kill();
      return { ...outcome, crash: (err as Error).message };
    }
    const child = this.#child;
    if (!child) return { ...outcome, crash: `vitest is gone:\n${this.#log}` };
    return new Promise<RunOutcome>((resolve) => {
      this.#on = (m) => {
        if (m.type === "test-end") {
          outcome.tests.push(m.result);
          this.options.onTestEnd?.(m.result);
        } else if (m.type === "file-error") outcome.fileErrors.push({ file: m.file, message: m.message });
        else if (m.type === "run-end") outcome.errors.push(...m.errors);
        else if (m.type === "fatal") outcome.crash = m.message;
        else if (m.type === "exit") outcome.crash = `${m.why} in the middle of the run:\n${this.#log}`;
        if (m.type === "run-end" || m.type === "fatal" || m.type === "exit") {
          this.#on = undefined;
          resolve(outcome);
        }
      };
      if (changed.length > 0) child.send({ type: "invalidate", files: changed } satisfies ToChild);
      child.send({ type: "run", files } satisfies ToChild);
    });
  }

  /**
   * Stops the vitest process now. SIGTERM first: it leaves through process.exit(), which removes the run's
   * temporary folder (tooling/vitest's run-tmpdir.js); SIGKILL a second later if it is still there.
   */
  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    setTimeout(
      () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"),
      1_000,
    ).unref();
  }

  /** Ends the session: vitest closes (or is killed after 3 s). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.send({ type: "close" } satisfies ToChild);
      const timer = setTimeout(() => this.kill(), 3_000);
      await gone;
      clearTimeout(timer);
    }
    this.kill();
    live.delete(this);
  }
}

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
  env?: NodeJS.ProcessEnv;
  /** Told about each test as it ends (for live output). */
  onTestEnd?: (result: TestResult) => void;
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
  readonly #kataDir: string;
  readonly #options: SessionOptions;
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #listener: ((m: FromChild) => void) | undefined;
  #exitListener: ((reason: string) => void) | undefined;
  #log = "";

  constructor(kataDir: string, options: SessionOptions) {
    this.#kataDir = kataDir;
    this.#options = options;
    live.add(this);
  }

  #start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.#options.env,
      KATA_TARGET: this.#options.target,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    };
    delete env.CI;
    // Started from inside a vitest run (the CLI's own tests), the inner vitest must not believe it is a worker.
    for (const key of Object.keys(env)) if (key === "VITEST" || key.startsWith("VITEST_")) delete env[key];
    const child = spawn(process.execPath, [CHILD], {
      cwd: this.#kataDir,
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
    child.on("message", (m: FromChild) => this.#listener?.(m));
    child.on("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      this.#ready = undefined;
      this.#exitListener?.(`vitest exited (${signal ?? code})`);
    });
    return new Promise((resolve, reject) => {
      this.#listener = (m) => {
        if (m.type === "ready") resolve();
        if (m.type === "fatal") reject(new Error(m.message));
      };
      this.#exitListener = (why) => reject(new Error(`${why} before it was ready:\n${this.#log}`));
    });
  }

  /** Runs these test files (absolute paths) and collects every result; `changed` files are read afresh. */
  async run(files: string[], changed: string[] = []): Promise<RunOutcome> {
    const outcome: RunOutcome = { tests: [], fileErrors: [], errors: [] };
    try {
      this.#ready ??= this.#start();
      await this.#ready;
    } catch (err) {
      this.kill();
      return { ...outcome, crash: (err as Error).message };
    }
    if (!this.#child) return { ...outcome, crash: `vitest is gone:\n${this.#log}` };
    return new Promise<RunOutcome>((resolve) => {
      const finish = () => {
        this.#listener = undefined;
        this.#exitListener = undefined;
        resolve(outcome);
      };
      this.#exitListener = (why) => {
        outcome.crash ??= `${why} in the middle of the run:\n${this.#log}`;
        finish();
      };
      this.#listener = (m) => {
        switch (m.type) {
          case "test-end":
            outcome.tests.push(m.result);
            this.#options.onTestEnd?.(m.result);
            break;
          case "file-error":
            outcome.fileErrors.push({ file: m.file, message: m.message });
            break;
          case "run-end":
            outcome.errors.push(...m.errors);
            finish();
            break;
          case "fatal":
            outcome.crash = m.message;
            finish();
            break;
          default:
            break;
        }
      };
      if (changed.length > 0) this.#send({ type: "invalidate", files: changed });
      this.#send({ type: "run", files });
    });
  }

  #send(message: ToChild): void {
    this.#child?.send(message);
  }

  /**
   * Stops the vitest process now. SIGTERM first: it leaves through process.exit(), which removes the run's
   * temporary folder (tooling/vitest's run-tmpdir.js); SIGKILL a second later if it is still there.
   */
  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    if (!child) return;
    const running = () => child.exitCode === null && child.signalCode === null;
    if (!running()) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => running() && child.kill("SIGKILL"), 1_000);
    timer.unref();
    child.once("exit", () => clearTimeout(timer));
  }

  /** Ends the session: vitest closes (or is killed after 3 s). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      this.#send({ type: "close" });
      const timer = setTimeout(() => this.kill(), 3_000);
      await gone;
      clearTimeout(timer);
    }
    this.kill();
    live.delete(this);
  }
}

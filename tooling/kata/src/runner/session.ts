import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { BEAT_DIR_ENV, readBeats, STUCK_AFTER_MS, stuckBeats } from "@tcp-katas/shared/watchdog";

import type { FromChild, TestResult, ToChild } from "./protocol.ts";

/**
 * How long a worker may go without a beat (@tcp-katas/shared/watchdog: it beats while its event loop runs) before
 * the CLI decides it is stuck. A test that waits, however long, keeps beating; only a program that never gives
 * the event loop a turn (`while (true) {}`) gets here.
 */
export const HARD_DEADLINE_MS = STUCK_AFTER_MS;
/**
 * Where no worker beats (a vitest config without the preset), the old rule: no test started or ended for this
 * long. It once stood alone, at 20 s, and stopped a test that only waited long on a busy CPU.
 */
const SILENCE_WITHOUT_BEATS_MS = 60_000;

export interface RunOutcome {
  tests: TestResult[];
  /** Test files that could not be loaded, with the reason. */
  fileErrors: { file: string; message: string }[];
  /** Errors outside any test (an unhandled rejection in the learner's program, say). */
  errors: string[];
  /** Set when the run was stopped because a test never finished: which test, for how long, its programs' output. */
  stuck?: { name: string; file: string; ms: number; transcript: string };
  /** Set when vitest itself could not start or crashed. */
  crash?: string;
}

export interface SessionOptions {
  /** KATA_TARGET for the run. */
  target: string;
  env?: NodeJS.ProcessEnv;
  /** Told about each test as it ends (for live output). */
  onTestEnd?: (result: TestResult) => void;
  hardDeadlineMs?: number;
}

const CHILD = path.join(import.meta.dirname, "vitest-child.js");

/** Every live session, so that an exit of the CLI (Ctrl-C included) never leaves a vitest process behind. */
const live = new Set<Session>();
export function killAllSessions(): void {
  for (const s of live) s.kill();
}
process.once("exit", killAllSessions);

/** The programs' output mirrored by @tcp-katas/shared/testing (KATA_LIVE_DIR) for one test, as a transcript. */
function transcriptOf(dir: string, testName: string): string {
  const lines: string[] = [];
  for (const file of readdirSync(dir)) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, file), "utf8");
    } catch {
      continue;
    }
    const byLabel = new Map<string, string>();
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as { test?: string; label: string; data: string };
        if (r.test && !testName.endsWith(r.test) && !r.test.endsWith(testName)) continue;
        byLabel.set(r.label, (byLabel.get(r.label) ?? "") + r.data);
      } catch {
        // a line cut by the kill: skip it
      }
    }
    for (const [label, data] of byLabel) {
      const shown = data.split("\n");
      if (shown.at(-1) === "") shown.pop();
      for (const l of shown.slice(-30)) lines.push(`[${label}] ${l}`);
    }
  }
  return lines.join("\n");
}

/** The test that last mirrored program output (the one a blocked worker was running), and its file. */
function lastMirroredTest(dir: string): { name: string; file: string } | undefined {
  let last: { name: string; file: string } | undefined;
  for (const file of readdirSync(dir)) {
    try {
      for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
        const r = line ? (JSON.parse(line) as { test?: string; file?: string }) : {};
        if (r.test) last = { name: r.test, file: r.file ?? "" };
      }
    } catch {
      // a line cut by the kill
    }
  }
  return last;
}

/**
 * A vitest process for one kata and target, started in a process group of its own and kept warm between runs
 * (kata watch). A test that does not end within the hard deadline gets the whole group killed.
 */
export class Session {
  readonly #kataDir: string;
  readonly #options: SessionOptions;
  readonly #liveDir = mkdtempSync(path.join(tmpdir(), "kata-live-"));
  readonly #beatDir = mkdtempSync(path.join(tmpdir(), "kata-beat-"));
  #child: ChildProcess | undefined;
  /** The process group of the last vitest started (its pid), killed whole even after vitest itself exited. */
  #group: number | undefined;
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
      KATA_LIVE_DIR: this.#liveDir,
      // This CLI watches the workers' beats itself (and the preset's own watchdog then stands back).
      [BEAT_DIR_ENV]: this.#beatDir,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    };
    delete env.CI;
    delete env.TCP_KATAS_IPC;
    // Started from inside a vitest run (the CLI's own tests), the inner vitest must not believe it is a worker.
    for (const key of Object.keys(env)) if (key === "VITEST" || key.startsWith("VITEST_")) delete env[key];
    const child = spawn(process.execPath, [CHILD], {
      cwd: this.#kataDir,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#child = child;
    this.#group = child.pid;
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

  /** Runs these test files (absolute paths) and collects every result. */
  async run(files: string[], changed: string[] = []): Promise<RunOutcome> {
    const outcome: RunOutcome = { tests: [], fileErrors: [], errors: [] };
    try {
      this.#ready ??= this.#start();
      await this.#ready;
    } catch (err) {
      this.kill();
      return { ...outcome, crash: (err as Error).message };
    }
    const child = this.#child;
    if (!child) return { ...outcome, crash: `vitest is gone:\n${this.#log}` };
    for (const f of readdirSync(this.#liveDir)) rmSync(path.join(this.#liveDir, f), { force: true });
    const fromEnv = Number(this.#options.env?.KATA_HARD_DEADLINE_MS ?? process.env.KATA_HARD_DEADLINE_MS);
    const hardMs = this.#options.hardDeadlineMs ?? (fromEnv > 0 ? fromEnv : HARD_DEADLINE_MS);
    const running = new Map<string, { name: string; file: string }>();
    let lastNews = Date.now();
    return new Promise<RunOutcome>((resolve) => {
      // eslint-disable-next-line prefer-const -- assigned after finish(), which the watchdog itself calls
      let watchdog: NodeJS.Timeout | undefined;
      const finish = () => {
        clearInterval(watchdog);
        this.#listener = undefined;
        this.#exitListener = undefined;
        resolve(outcome);
      };
      // A worker that stopped beating has not let its event loop run since: it cannot even report. One that
      // waits keeps beating, however long its test takes.
      watchdog = setInterval(() => {
        const beat = stuckBeats(this.#beatDir, hardMs)[0];
        const silent = Date.now() - lastNews;
        if (beat === undefined && (silent < SILENCE_WITHOUT_BEATS_MS || readBeats(this.#beatDir).length > 0))
          return;
        const last = beat?.test
          ? { name: beat.test, file: beat.file ?? "" }
          : ([...running.values()].at(-1) ?? lastMirroredTest(this.#liveDir));
        const name = last?.name ?? files.map((f) => path.relative(this.#kataDir, f)).join(", ");
        outcome.stuck = {
          name,
          // Unknown when the stuck test printed nothing: then no stage that ran counts as passed.
          file: last?.file
            ? path.relative(this.#kataDir, path.resolve(this.#kataDir, last.file)).split(path.sep).join("/")
            : "",
          ms: beat?.silentMs ?? silent,
          transcript: transcriptOf(this.#liveDir, name),
        };
        this.kill();
        finish();
      }, 250);
      this.#exitListener = (why) => {
        outcome.crash ??= `${why} in the middle of the run:\n${this.#log}`;
        finish();
      };
      this.#listener = (m) => {
        lastNews = Date.now();
        switch (m.type) {
          case "test-start":
            running.set(m.id, { name: m.name, file: m.file });
            break;
          case "test-end":
            running.delete(m.id);
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

  /** Stops the vitest process and everything in its group, at once. */
  kill(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    if (this.#group === undefined) return;
    try {
      process.kill(-this.#group, "SIGKILL");
    } catch {
      // The group is already empty; the child alone, if it is still there (Windows has no process groups).
      if (child && child.exitCode === null) child.kill("SIGKILL");
    }
  }

  /** Ends the session: vitest closes (or is killed), the mirror folder is removed. */
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
    rmSync(this.#liveDir, { recursive: true, force: true });
    rmSync(this.#beatDir, { recursive: true, force: true });
  }
}

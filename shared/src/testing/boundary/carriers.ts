/**
 * The two carriers of the boundary. A worker thread by default: about 30 ms to start a bundled program on this
 * project's 2-core machine (a child process through tsx took 190 ms), and Worker.terminate() ends even a
 * `while (true) {}` in milliseconds, on Linux, macOS and Windows alike, with every socket of the thread closed.
 * A child process where the test is about the process itself (real stdio, signals, its exit status).
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { Worker } from "node:worker_threads";

import { ProgramRun } from "../program-run.ts";
import { bundle } from "./bundle.ts";
import { globalsToForward, mergeReported } from "./globals.ts";
import type { ProgramCommand, ProgramEvent } from "./protocol.ts";
import { fileOf, type ProgramFile, spawnProgram } from "./spawn.ts";

// Plain CommonJS: a worker evaluates it without any loader, then imports the bundle.
const BOOT = `const { workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");
Object.assign(globalThis, workerData.globals);
import(pathToFileURL(workerData.bundle).href);`;

export interface RunOptions {
  /** The name messages use: "your server", "your client", "echo-server.ts"... */
  label?: string;
  /** Sent to the program's stdin, which then ends. */
  stdin?: string | Uint8Array;
  /** How long each wait may last (default 5 s). */
  deadlineMs?: number;
}

/** A program's main(args) in a worker thread of the test's process. */
export class WorkerRun extends ProgramRun {
  #worker: Worker | undefined;
  #ended = false;
  readonly #queue: ProgramCommand[] = [];
  readonly #gone: Promise<void>;
  #goneNow!: () => void;

  constructor(program: ProgramFile, args: readonly string[], options: RunOptions = {}) {
    super(options.label ?? "your program", args, options.deadlineMs);
    this.#gone = new Promise((resolve) => (this.#goneNow = resolve));
    void this.#start(fileOf(program), args);
  }

  async #start({ file, resolveFrom }: { file: string; resolveFrom: string }, args: readonly string[]) {
    let bundled: string;
    try {
      bundled = await bundle(file, { resolveFrom, kind: "program" });
    } catch (err) {
      this.failedToLoad((err as Error).message);
      this.#goneNow();
      return;
    }
    if (this.#ended) return this.#goneNow();
    const globals = globalsToForward();
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        bundle: bundled,
        start: { mode: "main", args: [...args], file: path.basename(file) },
        globals,
      },
      stdout: true,
      stderr: true,
    });
    this.#worker = worker;
    // What the program writes with console.log/process.stdout rather than io.stdout counts as its output too.
    worker.stdout.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stdout", data: d }));
    worker.stderr.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stderr", data: d }));
    worker.on("message", (event: ProgramEvent) => {
      if (event.type === "exit") mergeReported(event.globals, globals);
      this.receive(event);
    });
    // An error while the module loads (it throws at its top level) ends the program as an uncaught one does.
    worker.on("error", (err) => {
      this.receive({ type: "out", stream: "stderr", data: Buffer.from(`${err.stack ?? err.message}\n`) });
      this.exited(1);
    });
    worker.once("exit", (code) => {
      this.exited(code);
      this.#goneNow();
    });
    for (const command of this.#queue.splice(0)) worker.postMessage(command);
  }

  protected send(command: ProgramCommand): void {
    if (this.#worker) this.#worker.postMessage(command);
    else this.#queue.push(command);
  }

  async end(): Promise<void> {
    this.#ended = true;
    this.released();
    if (this.#worker) await this.#worker.terminate();
    else this.#goneNow();
    await this.#gone;
  }
}

/** A program as a process of its own, with real stdin, stdout, stderr and signals. */
export class ChildRun extends ProgramRun {
  #child: ChildProcess | undefined;
  #ended = false;
  readonly #queue: (() => void)[] = [];
  readonly #gone: Promise<void>;
  #goneNow!: () => void;

  constructor(program: ProgramFile, args: readonly string[], options: RunOptions = {}) {
    super(options.label ?? "your program", args, options.deadlineMs);
    this.#gone = new Promise((resolve) => (this.#goneNow = resolve));
    void this.#start(program, args);
  }

  async #start(program: ProgramFile, args: readonly string[]) {
    let child: ChildProcess;
    try {
      child = await spawnProgram(program, args, { env: { NO_COLOR: "1" }, trace: true });
    } catch (err) {
      this.failedToLoad((err as Error).message);
      this.#goneNow();
      return;
    }
    if (this.#ended) {
      child.kill("SIGKILL");
      return this.#goneNow();
    }
    this.#child = child;
    child.stdout?.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stdout", data: d }));
    child.stderr?.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stderr", data: d }));
    child.stdin?.on("error", () => undefined);
    child.on("message", (event: ProgramEvent) => {
      // Over a process, the output comes through its pipes; the channel carries the rest.
      if (event.type !== "out" && event.type !== "exit") this.receive(event);
    });
    child.once("error", (err) => {
      this.receive({ type: "out", stream: "stderr", data: Buffer.from(`${err.message}\n`) });
      if (child.pid === undefined) {
        this.exited(127);
        this.#goneNow();
      }
    });
    // 'close' comes once the pipes are drained: the last output is in before the exit is seen.
    child.once("close", (code, signal) => {
      const bySignal = signal === "SIGKILL" ? 137 : signal === "SIGINT" ? 130 : signal ? 143 : 1;
      this.exited(code ?? bySignal);
      this.#goneNow();
    });
    for (const command of this.#queue.splice(0)) command();
  }

  protected send(command: ProgramCommand): void {
    const deliver = () => {
      const child = this.#child;
      if (!child || child.exitCode !== null) return;
      if (command.type === "stdin") child.stdin?.write(command.data);
      else if (command.type === "end-stdin") child.stdin?.end();
      else if (command.type === "signal") child.kill(command.signal);
      else if (child.connected) child.send(command);
    };
    if (this.#child) deliver();
    else this.#queue.push(deliver);
  }

  async end(): Promise<void> {
    this.#ended = true;
    this.released();
    const child = this.#child;
    if (!child) {
      this.#goneNow();
    } else if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
    }
    await this.#gone;
  }
}

/**
 * The two carriers of the boundary. A worker thread by default: it starts a bundled program in about 30 ms (a
 * process through tsx took 190 ms), and terminate() ends even `while (true) {}` at once, closing its sockets.
 * A child process where the test is about the process itself (real stdio, signals, its exit status).
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { Worker } from "node:worker_threads";

import { ProgramRun } from "../program-run.ts";
import { BOOT, bundle } from "./bundle.ts";
import { listedGlobals, mergeReported } from "./globals.ts";
import type { ProgramCommand, ProgramEvent } from "./protocol.ts";
import { fileOf, type ProgramFile, spawnProgram } from "./spawn.ts";

export interface RunOptions {
  /** The name messages use: "your server", "your client", "echo-server.ts"... */
  label?: string;
  /** Sent to the program's stdin, which then ends. */
  stdin?: string | Uint8Array;
  /** How long each wait may last (default 5 s). */
  deadlineMs?: number;
}

/** Both carriers: commands wait until the program has started, and a run ended before that never starts. */
abstract class Carrier<C> extends ProgramRun {
  #carrier: C | undefined;
  protected ended = false;
  readonly #queue: ProgramCommand[] = [];
  /** The carrier calls it once the program is over. */
  protected gone!: () => void;
  readonly #gone = new Promise<void>((resolve) => (this.gone = resolve));

  constructor(program: ProgramFile, args: readonly string[], options: RunOptions = {}) {
    super(options.label ?? "your program", args, options.deadlineMs);
    this.launch(fileOf(program), args).then(
      (carrier) => {
        if (carrier === undefined) return;
        if (this.ended) return void this.kill(carrier);
        this.#carrier = carrier;
        for (const command of this.#queue.splice(0)) this.deliver(carrier, command);
      },
      (err: Error) => {
        this.failedToLoad(err.message);
        this.gone();
      },
    );
  }

  /** Starts the program (undefined when the run was ended first). */
  protected abstract launch(
    program: { file: string; resolveFrom: string },
    args: readonly string[],
  ): Promise<C | undefined>;
  protected abstract deliver(carrier: C, command: ProgramCommand): void;
  protected abstract kill(carrier: C): unknown;

  protected send(command: ProgramCommand): void {
    if (this.#carrier) this.deliver(this.#carrier, command);
    else this.#queue.push(command);
  }

  async end(): Promise<void> {
    this.ended = true;
    this.released();
    if (this.#carrier) await this.kill(this.#carrier);
    else this.gone();
    await this.#gone;
  }
}

/** A program's main(args) in a worker thread of the test's process. */
export class WorkerRun extends Carrier<Worker> {
  protected async launch(
    { file, resolveFrom }: { file: string; resolveFrom: string },
    args: readonly string[],
  ) {
    const bundled = await bundle(file, resolveFrom);
    if (this.ended) return undefined;
    const globals = listedGlobals();
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
      this.gone();
    });
    return worker;
  }

  protected deliver(worker: Worker, command: ProgramCommand): void {
    worker.postMessage(command);
  }

  protected kill(worker: Worker): Promise<number> {
    return worker.terminate();
  }
}

/** A program as a process of its own, with real stdin, stdout, stderr and signals. */
export class ChildRun extends Carrier<ChildProcess> {
  protected async launch(program: ProgramFile, args: readonly string[]) {
    const child = await spawnProgram(program, args, { env: { NO_COLOR: "1" }, trace: true });
    child.stdout?.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stdout", data: d }));
    child.stderr?.on("data", (d: Buffer) => this.receive({ type: "out", stream: "stderr", data: d }));
    child.stdin?.on("error", () => undefined);
    // The host sends no output or exit over a process's channel: those come through its pipes and its own exit.
    child.on("message", (event: ProgramEvent) => this.receive(event));
    child.once("error", (err) => {
      this.receive({ type: "out", stream: "stderr", data: Buffer.from(`${err.message}\n`) });
      if (child.pid === undefined) {
        this.exited(127);
        this.gone();
      }
    });
    // 'close' comes once the pipes are drained: the last output is in before the exit is seen.
    child.once("close", (code, signal) => {
      const bySignal = signal === "SIGKILL" ? 137 : signal === "SIGINT" ? 130 : signal ? 143 : 1;
      this.exited(code ?? bySignal);
      this.gone();
    });
    return child;
  }

  protected deliver(child: ChildProcess, command: ProgramCommand): void {
    if (child.exitCode !== null) return;
    if (command.type === "stdin") child.stdin?.write(command.data);
    else if (command.type === "end-stdin") child.stdin?.end();
    else if (command.type === "signal") child.kill(command.signal);
    else if (child.connected) child.send(command);
  }

  protected kill(child: ChildProcess): boolean {
    return child.kill("SIGKILL");
  }
}

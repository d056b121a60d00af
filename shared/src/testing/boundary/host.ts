/**
 * The program side of the boundary, bundled with the learner's file: serve() runs its main(args, io), or answers
 * calls of its exports one by one, as its worker (or process) was started to. Outside a boundary it does nothing.
 */
import type { Socket } from "node:net";
import { PassThrough, Writable } from "node:stream";
import { isMainThread, type MessagePort, parentPort, workerData } from "node:worker_threads";

import { LessonError } from "../../cli/errors.ts";
import type { Main } from "../../cli/program.ts";
import {
  newContext,
  processIO,
  type ProgramIO,
  runInContext,
  type TraceEvent,
} from "../../internal/context.ts";
import { listedGlobals } from "./globals.ts";
import type {
  LibraryCall,
  LibraryReply,
  Outcome,
  ProgramCommand,
  ProgramEvent,
  Settlement,
  Start,
} from "./protocol.ts";
import { crossError, revive } from "./values.ts";

/** How the boundary was started: a worker's data, or a child process's environment. */
function startOf(): Start | undefined {
  if (!isMainThread) return (workerData as { start?: Start } | undefined)?.start;
  if (process.env.KATA_BOUNDARY !== "main" || typeof process.send !== "function") return undefined;
  const args = JSON.parse(process.env.KATA_BOUNDARY_ARGS ?? "[]") as string[];
  return { mode: "main", args, file: process.env.KATA_BOUNDARY_FILE ?? "program" };
}

function post(event: ProgramEvent): void {
  if (parentPort) parentPort.postMessage(event);
  else process.send?.(event);
}

function onCommand(handle: (command: ProgramCommand) => void): void {
  if (parentPort) parentPort.on("message", handle);
  else process.on("message", (m) => handle(m as ProgramCommand));
}

/** A stream whose every write crosses the channel at once, in order with the other events. */
function channelStream(stream: "stdout" | "stderr"): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      post({ type: "out", stream, data: chunk });
      done();
    },
  });
}

/** The sockets the program's node:net servers took and that are still open. */
const taken = new Set<Socket>();

/** How many of them have a full read buffer: Node reads no more of them, a peer's bytes wait in the kernel. */
const holding = () => [...taken].filter((s) => s.readableLength >= s.readableHighWaterMark).length;

function runMain(namespace: Record<string, unknown>, file: string, args: string[]): void {
  const inWorker = parentPort !== null;
  const stdin = inWorker ? new PassThrough() : process.stdin;
  const stdout = inWorker ? channelStream("stdout") : process.stdout;
  const stderr = inWorker ? channelStream("stderr") : process.stderr;
  let ended = false;
  const exit = (code: number) => {
    if (ended) return;
    ended = true;
    if (inWorker) {
      void leftOpen().then((open) => post({ type: "exit", code, leftOpen: open, globals: listedGlobals() }));
      return;
    }
    // A child ends as a C program does: its output handed over first.
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  };
  // What a program did not catch, or a call made without await that failed in a Promise nobody awaited.
  const crash = (err: unknown) => {
    const shown =
      err instanceof LessonError ? err.message : err instanceof Error ? (err.stack ?? err.message) : err;
    stderr.write(`${String(shown)}\n`);
    exit(1);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const main = namespace.main as Main | undefined;
  const controller = new AbortController();
  onCommand((command) => {
    if (command.type === "stdin" && stdin instanceof PassThrough) stdin.write(command.data);
    else if (command.type === "end-stdin") stdin.end();
    else if (command.type === "signal") controller.abort(command.signal);
    else if (command.type === "ping") post({ type: "pong", holding: holding() });
  });
  if (!inWorker) {
    process.channel?.unref();
    const stop = (signal: NodeJS.Signals) => {
      if (main?.handlesSignals !== true || controller.signal.aborted)
        process.exit(128 + (signal === "SIGINT" ? 2 : 15));
      controller.abort(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // Whatever started it (a test, the CLI) is gone, however it went: a program never outlives it.
    process.on("disconnect", () => process.exit(128 + 15));
  }
  if (typeof main !== "function") {
    stderr.write(`${file} exports no main(args, io): every program of a kata does (see its solution/).\n`);
    exit(1);
    return;
  }
  post({ type: "params", params: main.params ?? [] });
  const io: ProgramIO = {
    stdin,
    stdout,
    stderr,
    signal: controller.signal,
    onListening: (port) => post({ type: "listening", port }),
    onConnection: (socket) => {
      if (socket) {
        taken.add(socket);
        socket.once("close", () => taken.delete(socket));
      }
      post({ type: "connection" });
    },
    // A test reads the calls; a process (kata run, the demo, the bench) runs untraced, at full speed, unless
    // a test started it (ChildRun asks for the trace).
    ...(inWorker || process.env.KATA_BOUNDARY_TRACE === "1"
      ? {
          observe: (event) => post({ type: "call", event }),
          onWait: (waiting) => post({ type: "wait", waiting }),
        }
      : {}),
  };
  main(args, io).then(exit, crash);
}

/** What a program or a settled call left open in this thread (sockets, servers, child processes, timers). */
async function leftOpen(): Promise<string[]> {
  // Closing takes a turn or two of the event loop.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => r !== "MessagePort" && r !== "Immediate");
}

function serveLibrary(namespace: Record<string, unknown>, start: Extract<Start, { mode: "library" }>): void {
  const flag = new Int32Array(start.flag);
  // A value that cannot cross (a function, a socket) fails its call with the clone's error instead.
  const send = (port: MessagePort, message: LibraryReply | Settlement) => {
    try {
      port.postMessage({ ...message, globals: listedGlobals() });
    } catch (err) {
      port.postMessage({ ...message, kind: "error", error: crossError(err), value: undefined });
    }
  };
  const answer = (reply: LibraryReply) => {
    send(start.calls, reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const settle = async (id: number, work: Promise<unknown>, trace: TraceEvent[]) => {
    let outcome: Outcome;
    try {
      outcome = { kind: "value", value: await work };
    } catch (err) {
      outcome = { kind: "error", error: crossError(err) };
    }
    send(parentPort as MessagePort, { id, ...outcome, trace, leftOpen: await leftOpen() });
  };
  start.calls.on("message", ({ id, name, args, traced }: LibraryCall) => {
    if (name === "") return answer({ id, kind: "value", value: Object.keys(namespace) });
    const fn = namespace[name] as (...args: unknown[]) => unknown;
    const call = () => fn(...args.map(revive));
    // A traced call runs as a program of its own: its own descriptors and errno, its calls recorded.
    const ctx = traced ? newContext(name, processIO(), true) : undefined;
    let value: unknown;
    try {
      value = ctx ? runInContext(ctx, async () => call()) : call();
    } catch (err) {
      return answer({ id, kind: "error", error: crossError(err) });
    }
    if (typeof (value as { then?: unknown } | null)?.then !== "function")
      return answer({ id, kind: "value", value });
    answer({ id, kind: "pending" });
    void settle(id, Promise.resolve(value), ctx?.trace ?? []);
  });
}

/** Runs the bundled module as its boundary was started to (does nothing when it was not started by one). */
export function serve(namespace: Record<string, unknown>): void {
  const start = startOf();
  if (start === undefined) return;
  if (start.mode === "main") runMain(namespace, start.file, start.args);
  else serveLibrary(namespace, start);
}

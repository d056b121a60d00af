/**
 * A learner's module whose exports a test calls one by one (04-1's parsers, 04-2's experiments), in a worker
 * thread. Each call crosses synchronously (Atomics.wait on a shared flag, with a deadline), so a test reads
 * `parsePcap(bytes)` as if it were its own, and an endless loop fails that test instead of freezing the run.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";

import { msg } from "../../i18n/messages.ts";
import type { TraceEvent } from "../../internal/context.ts";
import { DeadlineExceeded } from "../deadline.ts";
import { NotDoneYet } from "../program-run.ts";
import { BOOT, bundleSync, type ProgramLoadError } from "./bundle.ts";
import { listedGlobals, mergeReported } from "./globals.ts";
import type { CrossedError, LibraryCall, LibraryReply, Settlement } from "./protocol.ts";
import { fileOf, type ProgramFile } from "./spawn.ts";
import { crossedFrom, revive, reviveError } from "./values.ts";

/** An error from the other side; a starter's TODO fails the test the way a program's does (NotDoneYet). */
function thrownBack(error: CrossedError): Error {
  if (error.code === "KATA_TODO") return new NotDoneYet(error.message.replace(/^TODO: /, ""));
  return reviveError(error);
}

/** How long one call may take before its worker is stopped. */
export const CALL_DEADLINE_MS = 3_000;

// Plain CommonJS, run by the worker without a loader. A module that throws as it loads answers every call
// with that error (the host, which would answer, never started).
const LIBRARY_BOOT = `${BOOT}.catch((err) => {
  const { calls, flag } = workerData.start;
  const error = { name: String(err?.name), message: String(err?.message), stack: err?.stack, classes: [], props: {} };
  calls.on("message", (call) => {
    calls.postMessage({ id: call.id, kind: "error", error });
    const f = new Int32Array(flag);
    Atomics.store(f, 0, 1);
    Atomics.notify(f, 0);
  });
});`;

type Live = { worker: Worker; flag: Int32Array; calls: MessagePort };

/** What a traced call gives: its result, the layer calls it made, and what it left open in its thread. */
export interface Traced<T> {
  result: T;
  trace: TraceEvent[];
  leftOpen: string[];
}

const EXPORT = Symbol.for("tcp-katas.boundary.export");

class Library {
  #live: Live | undefined;
  /** The shared globals as the worker last reported them (see ./globals.ts). */
  #globals: Record<string, unknown> | undefined;
  #names: string[] | undefined;
  #loadError: ProgramLoadError | undefined;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (s: Settlement) => void; timer: NodeJS.Timeout }>();
  readonly #stubs = new Map<string, unknown>();

  constructor(
    readonly file: string,
    readonly resolveFrom: string,
    readonly deadlineMs: number,
  ) {}

  #start(): Live {
    if (this.#live) return this.#live;
    if (this.#loadError) throw this.#loadError;
    let bundled: string;
    try {
      bundled = bundleSync(this.file, this.resolveFrom);
    } catch (err) {
      this.#loadError = err as ProgramLoadError;
      throw err;
    }
    const flag = new SharedArrayBuffer(4);
    const calls = new MessageChannel();
    this.#globals = listedGlobals();
    const worker = new Worker(LIBRARY_BOOT, {
      eval: true,
      workerData: {
        bundle: bundled,
        start: { mode: "library", flag, calls: calls.port2 },
        globals: this.#globals,
      },
      transferList: [calls.port2],
    });
    // Calls are answered on `calls`, read synchronously; settlements of pending ones come as the worker's messages.
    worker.on("message", (s: Settlement) => {
      this.#globals = mergeReported(s.globals, this.#globals);
      const waiting = this.#pending.get(s.id);
      if (!waiting) return;
      this.#pending.delete(s.id);
      clearTimeout(waiting.timer);
      waiting.resolve(s);
    });
    worker.on("error", () => undefined);
    // A test's worker must not be kept alive by one it no longer uses (after on("message"), which refs it again).
    worker.unref();
    this.#live = { worker, flag: new Int32Array(flag), calls: calls.port1 };
    return this.#live;
  }

  /** Stops the worker (the next call starts a fresh one). */
  stop(): void {
    const live = this.#live;
    this.#live = undefined;
    this.#names = undefined;
    if (!live) return;
    live.calls.close();
    void live.worker.terminate();
  }

  #call(name: string, args: unknown[], traced: boolean): LibraryReply {
    const live = this.#start();
    const call: LibraryCall = { id: this.#next++, name, args, traced };
    Atomics.store(live.flag, 0, 0);
    live.calls.postMessage(call);
    // The first call also waits for the worker to start and load the module.
    const outcome = Atomics.wait(live.flag, 0, 0, this.deadlineMs);
    const reply = receiveMessageOnPort(live.calls)?.message as LibraryReply | undefined;
    if (outcome === "timed-out" || reply === undefined) {
      this.stop();
      throw new DeadlineExceeded(msg("lib.timedOut", { call: name || "import", ms: this.deadlineMs }));
    }
    this.#globals = mergeReported(reply.globals, this.#globals);
    return reply;
  }

  names(): string[] {
    if (!this.#names) {
      const reply = this.#call("", [], false);
      if (reply.kind !== "value") throw new Error(`${this.file}: its exports could not be listed.`);
      this.#names = reply.value as string[];
    }
    return this.#names;
  }

  #settlement(id: number, name: string): Promise<Settlement> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.stop();
        reject(new DeadlineExceeded(msg("lib.timedOut", { call: name, ms: this.deadlineMs })));
      }, this.deadlineMs);
      this.#pending.set(id, { resolve, timer });
    });
  }

  /** Calls an export; a traced one (in a Library of its own) resolves to its result with its trace. */
  invoke(name: string, args: unknown[], traced = false): unknown {
    const reply = this.#call(name, args, traced);
    if (reply.kind === "error") throw thrownBack(reply.error);
    if (reply.kind === "value") return revive(reply.value);
    return this.#settlement(reply.id, name).then((s) => {
      if (s.kind === "error") throw thrownBack(s.error);
      return traced ? { result: revive(s.value), trace: s.trace, leftOpen: s.leftOpen } : revive(s.value);
    });
  }

  /**
   * A call run as a program of its own: in a worker of its own (ended after), so that calls of concurrent tests
   * never share descriptors or errno, and what it left open is its alone.
   */
  async traced(name: string, args: unknown[]): Promise<Traced<unknown>> {
    const own = new Library(this.file, this.resolveFrom, this.deadlineMs);
    try {
      return (await own.invoke(name, args, true)) as Traced<unknown>;
    } finally {
      own.stop();
    }
  }

  /**
   * The test's handle on one export: callable, and usable with instanceof when the export is an error class.
   * Made without loading anything: a file that does not compile fails the tests that call it, not the import.
   */
  stub(name: string): unknown {
    const known = this.#stubs.get(name);
    if (known !== undefined) return known;
    const stub = (...args: unknown[]) => this.invoke(name, args);
    Object.defineProperty(stub, "name", { value: name });
    Object.defineProperty(stub, Symbol.hasInstance, { value: (v: unknown) => crossedFrom(v, name) });
    Object.defineProperty(stub, EXPORT, { value: { library: this, name } });
    this.#stubs.set(name, stub);
    return stub;
  }
}

/**
 * The module `program` as a test uses it: `const { parsePcap } = load<typeof import("../solution/pcap.ts")>(file)`.
 * Nothing starts until an export is first used; a file that does not compile fails that use with
 * `file:line:column: message`.
 */
export function load<M extends object>(program: ProgramFile, options: { deadlineMs?: number } = {}): M {
  const { file, resolveFrom } = fileOf(program);
  const library = new Library(file, resolveFrom, options.deadlineMs ?? CALL_DEADLINE_MS);
  return new Proxy({} as M, {
    get: (_target, name) => (typeof name === "string" && name !== "then" ? library.stub(name) : undefined),
    has: (_target, name) => typeof name === "string" && library.names().includes(name),
    ownKeys: () => library.names(),
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === "string" && library.names().includes(name)
        ? { enumerable: true, configurable: true, value: library.stub(name) }
        : undefined,
  });
}

/** Calls an export of a loaded module as a program of its own and returns what it gave with the calls it made. */
export function tracedCall<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: A
): Promise<Traced<Awaited<R>>> | undefined {
  const target = (fn as { [EXPORT]?: { library: Library; name: string } })[EXPORT];
  return target?.library.traced(target.name, args) as Promise<Traced<Awaited<R>>> | undefined;
}

/** Stops the worker behind a loaded module (tests that check a fresh start). */
export function unload(module: object): void {
  for (const value of Object.values(module)) {
    const target = (value as { [EXPORT]?: { library: Library } } | null)?.[EXPORT];
    if (target) return target.library.stop();
  }
}

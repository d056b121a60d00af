import { AsyncLocalStorage } from "node:async_hooks";
import type { Readable, Writable } from "node:stream";

import type { SysError } from "./errno.ts";
import { newPace, type Pace } from "./pace.ts";

/** One call of the posix or winsock layer, as a test sees it. */
export interface TraceEvent {
  /** The layer's name for the call: "socket", "bind", "WSAStartup", "closesocket", ... */
  readonly call: string;
  /** The descriptor or SOCKET the call acted on (or returned, for socket/accept), when there is one. */
  readonly fd?: number;
  /** What the call returned. */
  readonly result: number;
  /** The errno or WSA error name when the call failed. */
  readonly error?: string;
  /** Extra facts: the address bound, the port listened on, the byte count moved. */
  readonly detail?: Readonly<Record<string, string | number>>;
}

/** What a program reads and writes, and what can stop it. Defaults to the process's own. */
export interface ProgramIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted by SIGINT/SIGTERM when run as a script, by the test when run in-process. */
  signal?: AbortSignal;
  /** Sees every traced call as it happens. */
  observe?: (event: TraceEvent) => void;
  /** Told the port as soon as the program listens (whatever API it listens with). */
  onListening?: (port: number) => void;
}

/**
 * The state C keeps per process: the descriptor table, errno, and (for Winsock) the startup count and last
 * error. Each program run in-process gets its own, so two programs in one test never share an errno.
 */
export interface ProgramContext {
  readonly name: string;
  readonly io: ProgramIO;
  /** Calls are recorded only when someone reads them (a test); a program run as a script keeps no trace. */
  readonly tracing: boolean;
  readonly trace: TraceEvent[];
  errno: SysError | undefined;
  wsaStartups: number;
  wsaLastError: number;
  /** Descriptor table, shared by posix and winsock. Values are owned by ./sockets.ts. */
  readonly fds: Map<number, unknown>;
  /** How the program's calls have gone lately: when it last let the event loop run, what it repeats. */
  readonly pace: Pace;
}

const storage = new AsyncLocalStorage<ProgramContext>();

export function processIO(): ProgramIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

export function newContext(name: string, io: ProgramIO, tracing = io.observe !== undefined): ProgramContext {
  return {
    name,
    io,
    tracing,
    trace: [],
    errno: undefined,
    wsaStartups: 0,
    wsaLastError: 0,
    fds: new Map(),
    pace: newPace(),
  };
}

let fallback: ProgramContext | undefined;
/**
 * The program a script runs (the process's own stdio, no tracing), held without AsyncLocalStorage: once ALS is
 * used, Node 20 runs promise hooks on every promise, which costs a ported server about a third of its CPU while
 * streaming. Any program or traced() run inside or beside it still gets ALS, and ALS is looked up first.
 */
let sole: ProgramContext | undefined;

/** The running program's context; code outside any program (a test, an experiment) shares one default. */
export function currentContext(): ProgramContext {
  const ctx = storage.getStore() ?? sole;
  if (ctx) return ctx;
  fallback ??= newContext("node", processIO());
  return fallback;
}

function isScriptRun(ctx: ProgramContext): boolean {
  return (
    !ctx.tracing &&
    ctx.io.stdout === process.stdout &&
    ctx.io.stderr === process.stderr &&
    sole === undefined &&
    storage.getStore() === undefined
  );
}

export function runInContext<T>(ctx: ProgramContext, fn: () => T): T {
  if (!isScriptRun(ctx)) return storage.run(ctx, fn);
  sole = ctx;
  const release = () => {
    if (sole === ctx) sole = undefined;
  };
  let result: T;
  try {
    result = fn();
  } catch (err) {
    release();
    throw err;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}

export function record(event: TraceEvent): void {
  const ctx = currentContext();
  if (!ctx.tracing) return;
  ctx.trace.push(event);
  ctx.io.observe?.(event);
}

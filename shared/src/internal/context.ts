import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";

import { KataError } from "../cli/errors.ts";
import type { SysError } from "./errno.ts";
import { newPace, type Pace } from "./pace.ts";
import type { Awaited } from "./pending.ts";

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

/** A call that has to wait (for a client, for bytes, for the peer to read): which call, on which socket. */
export interface Waiting {
  readonly call: string;
  readonly fd: number;
}

/** What a program reads and writes, and what can stop it. Defaults to the process's own. */
export interface ProgramIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted by SIGINT/SIGTERM when run as a script, by the test when run behind the boundary. */
  signal?: AbortSignal;
  /** Sees every traced call as it ends. */
  observe?: (event: TraceEvent) => void;
  /** Told when a call starts to wait, so a test can say where a program is blocked. */
  onWait?: (waiting: Waiting) => void;
  /** Told the port as soon as the program listens (whatever API it listens with). */
  onListening?: (port: number) => void;
  /** Told each time a server the program runs takes a connection (a node:net server passes its socket). */
  onConnection?: (socket?: Socket) => void;
}

/**
 * The state C keeps per process: the descriptor table, errno, and (for Winsock) the startup count and last
 * error. A thread runs one program at a time (a test runs each behind its own boundary), so it is one value
 * per thread, set by program() and traced() for the time they run.
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
  /** By descriptor, the calls started and not finished yet (see ./pending.ts: a missing await). */
  readonly pending: Map<number, Set<string>>;
  /** By descriptor, the writes whose Promise the program has not awaited yet (see ./pending.ts). */
  readonly unawaited: Map<number, Awaited[]>;
}

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
    pending: new Map(),
    unawaited: new Map(),
  };
}

/** Thrown when a second program starts in a thread where one is running (code KATA_ONE_PROGRAM). */
export class OneProgramPerThread extends KataError {
  declare readonly code: "KATA_ONE_PROGRAM";
  constructor(running: string, starting: string) {
    super(
      "OneProgramPerThread",
      "KATA_ONE_PROGRAM",
      `${starting} cannot start while ${running} runs in this thread: each program has its own descriptors and errno, so run each behind its own boundary (@tcp-katas/shared/testing's run()).`,
    );
  }
}

let current: ProgramContext | undefined;
/** Set while program() or traced() runs one. */
let running: ProgramContext | undefined;

/** The running program's context; code outside any program (an experiment, a test) shares one default. */
export function currentContext(): ProgramContext {
  current ??= newContext("node", processIO());
  return current;
}

/** Runs `fn` as the thread's program, with `ctx` as its state, and puts the earlier state back after. */
export async function runInContext<T>(ctx: ProgramContext, fn: () => Promise<T>): Promise<T> {
  if (running) throw new OneProgramPerThread(running.name, ctx.name);
  const before = current;
  running = ctx;
  current = ctx;
  try {
    return await fn();
  } finally {
    running = undefined;
    current = before;
  }
}

export function record(event: TraceEvent): void {
  const ctx = currentContext();
  if (!ctx.tracing) return;
  ctx.trace.push(event);
  ctx.io.observe?.(event);
}

/** What a layer call passes down to a wait, so the test hears where the program is blocked (if it listens). */
export function waiter(ctx: ProgramContext, call: string, fd: number): (() => void) | undefined {
  const onWait = ctx.io.onWait;
  return onWait && (() => onWait({ call, fd }));
}

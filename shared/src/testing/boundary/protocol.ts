/** The one channel between a test and a learner's program behind the boundary: all a test learns comes this way. */
import type { MessagePort } from "node:worker_threads";

import type { TraceEvent, Waiting } from "../../internal/context.ts";

/** What the program side tells the test side. */
export type ProgramEvent =
  /** The program's parameters as program() declares them (`<port>` is checked against where it listens). */
  | { type: "params"; params: readonly string[] }
  | { type: "out"; stream: "stdout" | "stderr"; data: Uint8Array }
  /** It listens on this port (the layers tell it; a node:net program through the bundle's net module). */
  | { type: "listening"; port: number }
  /** A server of the program took a connection (before any accept()). */
  | { type: "connection" }
  /** A traced posix/winsock call ended. */
  | { type: "call"; event: TraceEvent }
  /** A call started to wait: the program is blocked in it until its next "call" event. */
  | { type: "wait"; waiting: Waiting }
  /** main() returned (or the program crashed); `leftOpen`: the handles its thread still held then. */
  | { type: "exit"; code: number; leftOpen?: string[]; globals?: Record<string, unknown> }
  /**
   * The answer to "ping": the program's event loop runs (it is waiting, not spinning). `holding`: how many of
   * the sockets its node:net servers took have a full read buffer, so Node reads no more of them from the kernel.
   */
  | { type: "pong"; holding: number };

/** What the test side tells the program side. */
export type ProgramCommand =
  | { type: "stdin"; data: Uint8Array }
  | { type: "end-stdin" }
  | { type: "signal"; signal: "SIGINT" | "SIGTERM" }
  | { type: "ping" };

/** How a boundary starts: a program's main(args), or a module whose exports a test calls one by one. */
export type Start =
  | { mode: "main"; args: string[]; file: string }
  | { mode: "library"; flag: SharedArrayBuffer; calls: MessagePort };

/** A call of a library export, from the test side. */
export interface LibraryCall {
  id: number;
  /** The export's name, or "" for "list the exports". */
  name: string;
  args: unknown[];
  /** Run it as a program of its own and send back the calls it made (for experiments on the layers). */
  traced: boolean;
}

/** An error thrown across the boundary: what it said, and the names of its classes (for instanceof). */
export interface CrossedError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
  classes: string[];
  props: Record<string, unknown>;
}

/** What a call gave: a value, or an error. */
export type Outcome = { kind: "value"; value: unknown } | { kind: "error"; error: CrossedError };

/** What a library call gave back at once: its outcome, or "a Promise, settled later". */
export type LibraryReply = (Outcome | { kind: "pending" }) & {
  id: number;
  globals?: Record<string, unknown>;
};

/** How a pending call settled, with its trace and what it left open (the resources of its thread). */
export type Settlement = Outcome & {
  id: number;
  trace: TraceEvent[];
  leftOpen: string[];
  globals?: Record<string, unknown>;
};

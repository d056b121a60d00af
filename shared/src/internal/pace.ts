/**
 * Two guards a C program gets from its kernel and a Node program does not:
 *
 * - A call that returns at once resolves as a microtask, so a loop of them never lets the event loop run (no
 *   timer, no test deadline, no Ctrl-C). After about 2 ms of such returns, a call yields one turn first.
 * - A loop that keeps calling after read() said 0 or -1 would freeze the event loop (in C it burns a core).
 *   When one call on one descriptor answers 0 or -1 BUSY_LOOP_LIMIT times in a row, with nothing moved on it
 *   between (other calls that fail at once may come between, as the listing's send with length -1 does), it
 *   throws BusyLoopError: what the call returned, what that means, how to end the loop.
 */
import { LessonError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";

/** Calls in a row answering 0 or -1 on one descriptor that make a busy loop. */
export const BUSY_LOOP_LIMIT = 1000;
/** How long calls may return at once before one of them yields to the event loop. */
const TURN_MS = 2;
/** Read the clock only every this many immediate returns (a 64 KiB chunk echoed in 1 KiB calls makes 128). */
const CLOCK_EVERY = 64;

/** Thrown by a layer call that a busy loop keeps repeating. program() prints the message and exits 1. */
export class BusyLoopError extends LessonError {
  declare readonly code: "KATA_BUSY_LOOP";
  constructor(message: string) {
    super("BusyLoopError", "KATA_BUSY_LOOP", message);
  }
}

interface Streak {
  result: number;
  error: string | undefined;
  count: number;
}

/** Per program: immediate returns since the event loop last ran, and each descriptor's runs of 0/-1 by call. */
export interface Pace {
  immediate: number;
  since: number;
  limit: number;
  /** By descriptor, then by call: a loop may alternate calls (recv fails, then send with length -1 fails). */
  readonly streaks: Map<number, Map<string, Streak>>;
}

export function newPace(): Pace {
  return { immediate: 0, since: 0, limit: BUSY_LOOP_LIMIT, streaks: new Map() };
}

export type LayerStyle = "posix" | "winsock";

/** What the answer means and how to end the loop, in the layer's own words and the learner's language. */
function lesson(style: LayerStyle, call: string, fd: number, streak: Streak): string {
  // Winsock's socket() and accept() fail with INVALID_SOCKET; its other calls with SOCKET_ERROR.
  const failed =
    style === "posix" ? "-1" : call === "socket" || call === "accept" ? "INVALID_SOCKET" : "SOCKET_ERROR";
  const what =
    streak.result === -1 ? `${failed} (${streak.error ?? msg("busy.anError")})` : String(streak.result);
  const head = msg("busy.head", { call, what, fd, count: streak.count });
  const reading = call === "read" || call === "recv";
  if (reading) {
    const end = msg("busy.end", { call, failed });
    if (streak.result === 0) return msg("busy.closed", { head, end });
    if (streak.error === "ECONNRESET" || streak.error === "WSAECONNRESET")
      return msg("busy.reset", { head, end, call });
    return msg("busy.cannot", { head, end });
  }
  // Only a read is noted as stalled with 0; any other call stalls only by failing.
  return msg("busy.failed", { head, call, failed });
}

/**
 * Notes one call's answer. `stalled`: it answered 0 or -1 (counted toward a busy loop); otherwise it moved
 * bytes or made progress, which ends that descriptor's streak. Throws BusyLoopError at the limit.
 */
export function note(
  pace: Pace,
  style: LayerStyle,
  call: string,
  fd: number,
  result: number,
  stalled: boolean,
  error?: string,
): void {
  if (!stalled) {
    if (pace.streaks.size > 0) pace.streaks.delete(fd);
    return;
  }
  let calls = pace.streaks.get(fd);
  if (!calls) {
    calls = new Map();
    pace.streaks.set(fd, calls);
  }
  let streak = calls.get(call);
  if (streak?.result !== result || streak.error !== error) {
    streak = { result, error, count: 0 };
    calls.set(call, streak);
  }
  streak.count += 1;
  if (streak.count >= pace.limit) {
    pace.streaks.delete(fd);
    throw new BusyLoopError(lesson(style, call, fd, streak));
  }
}

/** A call really waited (the event loop ran meanwhile). */
export function waited(pace: Pace): void {
  pace.immediate = 0;
}

/**
 * A call returned at once: gives back `value`, or (after ~2 ms of such returns) a promise of it that resolves
 * on the next event-loop turn.
 */
export function settle<T>(pace: Pace, value: T): T | Promise<T> {
  const n = ++pace.immediate;
  if (n === 1) {
    pace.since = performance.now();
    return value;
  }
  if (n % CLOCK_EVERY !== 0 || performance.now() - pace.since < TURN_MS) return value;
  pace.immediate = 0;
  return new Promise((resolve) => setImmediate(resolve, value));
}

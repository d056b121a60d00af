import { msg } from "../i18n/messages.ts";
import type { TraceEvent } from "../internal/context.ts";

function show(e: TraceEvent): string {
  const fd = e.fd === undefined ? "" : String(e.fd);
  return `${e.call}(${fd})${e.result === -1 || e.error ? ` -> ${e.result} ${e.error ?? ""}`.trimEnd() : ""}`;
}

/** The calls a program made, readable: `socket(3) → bind(3) → listen(3) → accept(3) → ...`. */
export function describeTrace(trace: readonly TraceEvent[], max = 30): string {
  if (trace.length === 0) return msg("trace.none");
  const shown = trace.slice(0, max).map(show).join(" → ");
  return trace.length > max ? `${shown} → ${msg("trace.more", { n: trace.length - max })}` : shown;
}

const OPENERS = new Set(["socket", "accept"]);
const CLOSERS = new Set(["close", "closesocket"]);
const FAILED = new Set([-1, 0xffff_ffff]);

function succeeded(e: TraceEvent): boolean {
  return !FAILED.has(e.result) && !e.error;
}

/** "once", "twice", "3 times" (한 번, 두 번, 3번). */
function times(n: number): string {
  return n === 1 ? msg("trace.times.1") : n === 2 ? msg("trace.times.2") : msg("trace.times.n", { n });
}

/** Descriptors a program opened (socket/accept) and never closed, with the call that opened each. */
export function unclosed(trace: readonly TraceEvent[]): { fd: number; openedBy: string }[] {
  const open = new Map<number, string>();
  for (const e of trace) {
    if (OPENERS.has(e.call) && !FAILED.has(e.result)) open.set(e.result, e.call);
    if (CLOSERS.has(e.call) && e.result === 0 && e.fd !== undefined) open.delete(e.fd);
  }
  return [...open].map(([fd, openedBy]) => ({ fd, openedBy }));
}

/** "socket 4, from accept(), was never closed; ..." for every descriptor left open. */
function describeUnclosed(left: readonly { fd: number; openedBy: string }[]): string {
  return left.map((l) => msg("trace.unclosedOne", { fd: l.fd, call: l.openedBy })).join("; ");
}

/** A failed check: its reason, then the calls the program made. */
function checkFailed(reason: string, trace: readonly TraceEvent[]): Error {
  return new Error(`${reason}\n${msg("trace.yourCalls", { trace: describeTrace(trace) })}`);
}

/** Why the calls do not match: a call made too few times (counted, and attributed for close), or out of order. */
function callOrderProblem(trace: readonly TraceEvent[], expected: readonly string[]): string | undefined {
  for (const name of new Set(expected)) {
    const want = expected.filter((n) => n === name).length;
    const made = trace.filter((e) => e.call === name);
    const got = made.filter(succeeded).length;
    if (got >= want) continue;
    const failure = made.find((e) => !succeeded(e));
    let reason =
      got > 0
        ? msg("trace.tooFew", { call: name, got: times(got), want: times(want) })
        : failure
          ? msg("trace.neverSucceeded", { call: name, error: failure.error ?? String(failure.result) })
          : msg("trace.neverCalled", { call: name });
    const left = CLOSERS.has(name) ? unclosed(trace) : [];
    if (left.length > 0) reason += `: ${describeUnclosed(left)}`;
    return reason;
  }
  let at = 0;
  for (const [i, name] of expected.entries()) {
    const found = trace.findIndex((e, j) => j >= at && e.call === name && succeeded(e));
    if (found === -1) return msg("trace.outOfOrder", { call: name, previous: expected[i - 1] ?? "" });
    at = found + 1;
  }
  return undefined;
}

/**
 * Checks that the calls named in `expected` were made, successfully, in that order (other calls may come
 * between); fails as callOrderProblem() says.
 */
export function expectCallOrder(trace: readonly TraceEvent[], expected: readonly string[]): void {
  const reason = callOrderProblem(trace, expected);
  if (reason === undefined) return;
  const calls = expected.map((name) => `${name}()`).join(" → ");
  throw checkFailed(msg("trace.order", { calls, reason }), trace);
}

/** Throws unless every socket opened was closed, naming each one left open and the call that opened it. */
export function expectAllClosed(trace: readonly TraceEvent[]): void {
  const left = unclosed(trace);
  if (left.length === 0) return;
  const opened = trace.filter((e) => OPENERS.has(e.call) && !FAILED.has(e.result)).length;
  const closed = trace.filter((e) => CLOSERS.has(e.call) && e.result === 0).length;
  throw checkFailed(msg("trace.allClosed", { opened, closed, list: describeUnclosed(left) }), trace);
}

const READS = new Set(["read", "recv"]);
const WRITES = new Set(["write", "send"]);

/**
 * Throws if a program wrote to a socket after a read on it had failed: the listing's `while (read(...) != 0)`
 * writes -1 back as a length after a reset. (Linux then ends that loop by luck, read() giving 0 next; Windows
 * never does.) A descriptor number handed out again by socket()/accept(), or closed, starts afresh.
 */
export function expectNoWriteAfterFailedRead(trace: readonly TraceEvent[]): void {
  const failedRead = new Map<number, TraceEvent>();
  for (const e of trace) {
    if (OPENERS.has(e.call)) {
      if (!FAILED.has(e.result)) failedRead.delete(e.result);
      continue;
    }
    if (e.fd === undefined) continue;
    if (CLOSERS.has(e.call)) {
      failedRead.delete(e.fd);
      continue;
    }
    const read = failedRead.get(e.fd);
    if (READS.has(e.call) && FAILED.has(e.result) && read === undefined) failedRead.set(e.fd, e);
    if (WRITES.has(e.call) && read !== undefined) {
      const params = {
        write: e.call,
        read: read.call,
        fd: e.fd,
        error: read.error ?? String(read.result),
        failed: read.call === "recv" ? "SOCKET_ERROR" : "-1",
      };
      throw checkFailed(msg("trace.writeAfterFailedRead", params), trace);
    }
  }
}

export function countCalls(trace: readonly TraceEvent[], call: string): number {
  return trace.filter((e) => e.call === call).length;
}

import type { TraceEvent } from "../internal/context.ts";

function show(e: TraceEvent): string {
  const fd = e.fd === undefined ? "" : String(e.fd);
  return `${e.call}(${fd})${e.result === -1 || e.error ? ` -> ${e.result} ${e.error ?? ""}`.trimEnd() : ""}`;
}

/** The calls a program made, readable: `socket(3) → bind(3) → listen(3) → accept(3) → ...`. */
export function describeTrace(trace: readonly TraceEvent[], max = 30): string {
  if (trace.length === 0) return "(no calls at all)";
  const shown = trace.slice(0, max).map(show).join(" → ");
  return trace.length > max ? `${shown} → … (${trace.length - max} more)` : shown;
}

/**
 * Checks that the calls named in `expected` were made, successfully, in that order (other calls may come
 * between). Throws a message naming the first call that is missing or out of order.
 */
export function expectCallOrder(trace: readonly TraceEvent[], expected: readonly string[]): void {
  let at = 0;
  for (const [i, name] of expected.entries()) {
    const found = trace.findIndex((e, j) => j >= at && e.call === name && e.result !== -1 && !e.error);
    if (found === -1) {
      const earlier = trace.findIndex((e) => e.call === name);
      const reason =
        earlier === -1
          ? `${name}() was never called (successfully)`
          : `${name}() came before ${expected[i - 1] ?? "the start"}() instead of after it`;
      throw new Error(
        `Expected the calls ${expected.join(" → ")} in that order, but ${reason}.\nYour calls: ${describeTrace(trace)}`,
      );
    }
    at = found + 1;
  }
}

const OPENERS = new Set(["socket", "accept"]);
const CLOSERS = new Set(["close", "closesocket"]);
const FAILED = new Set([-1, 0xffff_ffff]);

/** Descriptors a program opened (socket/accept) and never closed, with the call that opened each. */
export function unclosed(trace: readonly TraceEvent[]): { fd: number; openedBy: string }[] {
  const open = new Map<number, string>();
  for (const e of trace) {
    if (OPENERS.has(e.call) && !FAILED.has(e.result)) open.set(e.result, e.call);
    if (CLOSERS.has(e.call) && e.result === 0 && e.fd !== undefined) open.delete(e.fd);
  }
  return [...open].map(([fd, openedBy]) => ({ fd, openedBy }));
}

/** Throws unless every socket opened was closed. */
export function expectAllClosed(trace: readonly TraceEvent[]): void {
  const left = unclosed(trace);
  if (left.length > 0) {
    const list = left.map((l) => `${l.fd} (from ${l.openedBy})`).join(", ");
    throw new Error(
      `Socket(s) never closed: ${list}. Every socket you open must be closed.\nYour calls: ${describeTrace(trace)}`,
    );
  }
}

/** How many times a call was made. */
export function countCalls(trace: readonly TraceEvent[], call: string): number {
  return trace.filter((e) => e.call === call).length;
}

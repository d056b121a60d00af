import { newContext, processIO, runInContext, type TraceEvent } from "../internal/context.ts";

/**
 * Runs `fn` as if it were its own program (own descriptors, own errno) and returns its result with the calls it
 * made. For experiments and helpers that use the posix/winsock layers outside a program's main().
 */
export async function traced<T>(
  fn: () => Promise<T>,
  name = "experiment",
): Promise<{ result: T; trace: TraceEvent[] }> {
  const ctx = newContext(name, processIO(), true);
  const result = await runInContext(ctx, fn);
  return { result, trace: ctx.trace };
}

/**
 * The mistake a Node program can make and a C program cannot: calling a socket function without `await`. Two
 * signs name it at once: a call on a socket while an earlier call on it has not finished, and a Promise passed
 * where a descriptor or a length goes. Reading while a write waits (and the other way round) is allowed: a
 * socket is full duplex, and the stream-safe client does exactly that. A write whose bytes fit in the buffer
 * finishes at once, so only a close() of its socket before anything awaited it shows that nothing ever did.
 */
import { LessonError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";
import type { ProgramContext } from "./context.ts";

/** A call made without `await` (code KATA_MISSING_AWAIT); program() prints the lesson and exits 1. */
export class MissingAwait extends LessonError {
  declare readonly code: "KATA_MISSING_AWAIT";
  constructor(message: string) {
    super("MissingAwait", "KATA_MISSING_AWAIT", message);
  }
}

/** Throws MissingAwait when `value` (an argument of `call`, named `what`) is a Promise, or any thenable. */
export function notAPromise(call: string, what: string, value: unknown): void {
  if (typeof (value as { then?: unknown } | null)?.then === "function")
    throw new MissingAwait(msg("await.promise", { call, what }));
}

const DUPLEX = [new Set(["read", "write"]), new Set(["recv", "send"])];
const overlapAllowed = (a: string, b: string) => a !== b && DUPLEX.some((s) => s.has(a) && s.has(b));

const MOVING = new Set(["read", "write", "recv", "send"]);

/** A write's Promise that knows whether the program awaited it: `await` calls then() on a subclass's Promise. */
export class Awaited extends Promise<number> {
  static override get [Symbol.species]() {
    return Promise;
  }
  awaited = false;
  call = "";
  override then<A = number, B = never>(
    onFulfilled?: ((value: number) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.awaited = true;
    return super.then(onFulfilled, onRejected);
  }
}

/** Returns `result` as a Promise that notes being awaited, kept on `fd` until close() looks at it. */
export function watchAwait(
  ctx: ProgramContext,
  call: string,
  fd: number,
  result: Promise<number>,
): Promise<number> {
  const watched = new Awaited((resolve) => resolve(result));
  watched.call = call;
  const earlier = ctx.unawaited.get(fd)?.filter((w) => !w.awaited) ?? [];
  ctx.unawaited.set(fd, [...earlier, watched]);
  return watched;
}

/**
 * For close: throws MissingAwait when a read or write on `fd` has not finished. A read loop without await ends
 * at once (a Promise is not > 0) and closes the socket under the read it never awaited. Closing a listening
 * socket while accept() waits is allowed: it is how a program here ends a blocked accept() (see q7).
 */
export function assertIdle(ctx: ProgramContext, call: string, fd: number): void {
  notAPromise(call, "fd", fd);
  const earlier = [...(ctx.pending.get(fd) ?? [])].find((c) => MOVING.has(c));
  if (earlier !== undefined) throw new MissingAwait(msg("await.again", { call, earlier, fd }));
  const never = ctx.unawaited.get(fd)?.find((w) => !w.awaited);
  ctx.unawaited.delete(fd);
  if (never) throw new MissingAwait(msg("await.never", { call, earlier: never.call, fd }));
}

/**
 * Marks `call` on `fd` as started and returns what ends it; throws MissingAwait, synchronously (a loop that
 * never awaits would never see a rejected Promise), when an earlier call on `fd` has not finished.
 */
export function begin(ctx: ProgramContext, call: string, fd: number): () => void {
  notAPromise(call, "fd", fd);
  let calls = ctx.pending.get(fd);
  if (!calls) {
    calls = new Set();
    ctx.pending.set(fd, calls);
  }
  for (const earlier of calls)
    if (!overlapAllowed(earlier, call)) throw new MissingAwait(msg("await.again", { call, earlier, fd }));
  calls.add(call);
  const mine = calls;
  return () => {
    mine.delete(call);
    if (mine.size === 0 && ctx.pending.get(fd) === mine) ctx.pending.delete(fd);
  };
}

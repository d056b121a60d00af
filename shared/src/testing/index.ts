/**
 * The mechanics the katas' tests share, and no text of the chapter: a learner's program run behind the
 * boundary (a worker thread, or a process) with deadlines, real sockets on 127.0.0.1 port 0, byte-exact diffs,
 * a re-chunking proxy, and checks over the layers' call traces. What a kata's programs must do is written in
 * that kata's own tests.
 * @module
 */
export { t, type Texts } from "../i18n/messages.ts";
export type { TraceEvent, Waiting } from "../internal/context.ts";
export { ProgramLoadError } from "./boundary/bundle.ts";
export { ChildRun, type RunOptions, WorkerRun } from "./boundary/carriers.ts";
export { CALL_DEADLINE_MS, load, type Traced, tracedCall, unload } from "./boundary/library.ts";
export { type ProgramFile, spawnProgram } from "./boundary/spawn.ts";
export * from "./bytes.ts";
export { registerCleanup } from "./cleanup.ts";
export * from "./deadline.ts";
export * from "./errors.ts";
export * from "./net.ts";
export * from "./output.ts";
export * from "./ports.ts";
export { NotDoneYet, ProgramRun, RunFailed } from "./program-run.ts";
export * from "./proxy.ts";
export * from "./run.ts";
export * from "./trace.ts";
export * from "./traced.ts";

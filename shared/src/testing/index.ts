/**
 * The mechanics the katas' tests share (programs behind the boundary, deadlines, sockets on 127.0.0.1, byte
 * diffs, a re-chunking proxy, trace checks); what a kata's programs must do is written in its own tests.
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

/**
 * The boundary a learner's program runs behind, for tools outside a test (the CLI's `run`, `demo` and `trace`):
 * start a program as a process and hear its events, or run it in a worker thread as a test does (WorkerRun:
 * its calls, waits and exit). Nothing here needs vitest.
 * @module
 */
export type { TraceEvent, Waiting } from "../../internal/context.ts";
export type { ProgramRun } from "../program-run.ts";
export { exportsOf, ProgramLoadError } from "./bundle.ts";
export { type RunOptions, WorkerRun } from "./carriers.ts";
export type { ProgramEvent } from "./protocol.ts";
export { fileOf, type ProgramFile, type SpawnOptions, spawnProgram } from "./spawn.ts";

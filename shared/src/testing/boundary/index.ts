/**
 * The boundary for tools outside a test (the CLI's `run`, `demo`, `trace`, the bench); nothing here needs vitest.
 * @module
 */
export type { TraceEvent, Waiting } from "../../internal/context.ts";
export type { ProgramRun } from "../program-run.ts";
export { exportsOf, ProgramLoadError } from "./bundle.ts";
export { type RunOptions, WorkerRun } from "./carriers.ts";
export type { ProgramEvent } from "./protocol.ts";
export { fileOf, type ProgramFile, type SpawnOptions, spawnProgram } from "./spawn.ts";

/**
 * The boundary a learner's program runs behind, for tools outside a test (the CLI's `run` and `demo`): start a
 * program as a process and hear its events. Nothing here needs vitest.
 * @module
 */
export { exportsOf, ProgramLoadError } from "./bundle.ts";
export type { ProgramEvent } from "./protocol.ts";
export { fileOf, type ProgramFile, type SpawnOptions, spawnProgram } from "./spawn.ts";

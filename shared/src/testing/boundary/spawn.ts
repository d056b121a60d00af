/**
 * A program as a process of its own (ChildRun, `kata run`, `kata demo`): bundled, started through `node -e` so
 * its own runIfMain() stands back, and run by ./host.ts with the real stdio and signals; the IPC channel carries
 * the rest of the boundary's events.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { bundle } from "./bundle.ts";

/** A program file, and the folder whose node_modules resolve its imports (the kata package). */
export type ProgramFile = string | { readonly file: string; readonly resolveFrom: string };

export function fileOf(program: ProgramFile): { file: string; resolveFrom: string } {
  return typeof program === "string" ? { file: program, resolveFrom: process.cwd() } : program;
}

const BOOT = "import(require('node:url').pathToFileURL(process.env.KATA_BOUNDARY_BUNDLE).href)";

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdin, stdout, stderr: "pipe" (a test reads them) or "inherit" (a terminal); the channel is added. */
  stdio?: "pipe" | "inherit";
  /** Send every call and wait over the channel (a test's ChildRun), at some cost in speed. */
  trace?: boolean;
}

/** Bundles `program` and starts it as a process; throws ProgramLoadError if it does not compile. */
export async function spawnProgram(
  program: ProgramFile,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<ChildProcess> {
  const { file, resolveFrom } = fileOf(program);
  const bundled = await bundle(file, resolveFrom);
  const io = options.stdio ?? "pipe";
  return spawn(process.execPath, ["-e", BOOT], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      KATA_BOUNDARY: "main",
      KATA_BOUNDARY_BUNDLE: bundled,
      KATA_BOUNDARY_FILE: path.basename(file),
      KATA_BOUNDARY_ARGS: JSON.stringify(args),
      ...(options.trace ? { KATA_BOUNDARY_TRACE: "1" } : {}),
    },
    stdio: [io, io, io, "ipc"],
  });
}

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { CliError } from "../errors.ts";
import type { Kata } from "../katas.ts";
import type { Target } from "./check.ts";

/** The folder a target names, checked. */
export function targetDir(kata: Kata, target: Target): string {
  const dir = target.solution
    ? path.join(kata.dir, "solution")
    : target.impl
      ? path.resolve(target.impl)
      : path.join(kata.dir, "starter");
  if (!existsSync(dir)) throw new CliError(`The folder ${dir} does not exist.`, 2);
  return dir;
}

/** The file of a program, by its name with or without ".ts". */
export function programFile(kata: Kata, dir: string, name: string | undefined): string {
  const names = kata.programs.filter((p) => p.role !== "library").map((p) => p.file);
  if (!name) throw new CliError(`Which program? ${kata.id} has: ${names.join(", ")}`, 2);
  const file = name.endsWith(".ts") ? name : `${name}.ts`;
  if (!names.includes(file))
    throw new CliError(`${kata.id} has no program "${name}". Its programs: ${names.join(", ")}`, 2);
  return path.join(dir, file);
}

export function tsxLoader(kata: Kata): string {
  return pathToFileURL(createRequire(path.join(kata.dir, "package.json")).resolve("tsx")).href;
}

/** Runs a program in this terminal, as `tsx <file> args` would, and returns its exit code. */
export async function run(
  kata: Kata,
  name: string | undefined,
  args: string[],
  target: Target,
): Promise<number> {
  const file = programFile(kata, targetDir(kata, target), name);
  const child = spawn(process.execPath, ["--import", tsxLoader(kata), file, ...args], {
    stdio: "inherit",
    cwd: kata.dir,
  });
  // The child gets Ctrl-C from the terminal itself; this process just waits for it.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      process.off("SIGINT", ignore);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}

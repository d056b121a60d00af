/**
 * The board (`pnpm kata`) shows every kata's starter/ by running its tests, and most katas have not changed since
 * the board last ran. Each kata's last result is kept in the state folder under a key made of everything its tests
 * read: the kata's folder, the shared package and the test preset it resolves, the lockfile, the Node version and
 * the test environment. A kata whose key is unchanged is not run again.
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import { testEnv } from "./command.ts";
import type { Ctx } from "./context.ts";
import { runKata, type RunResult } from "./runner/stages.ts";

/** Folders that hold no input of a test run (installed packages, the learner's state, tool caches). */
const SKIP = new Set(["node_modules", ".kata", ".turbo", ".stryker", ".stryker-tmp", ".git"]);

/** Adds every file below `dir` (its path relative to `root`, then its bytes) to the hash, in a stable order. */
function hashTree(hash: Hash, root: string, dir: string): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) hashTree(hash, root, full);
    } else if (e.isFile()) {
      hash.update(`\0${path.relative(root, full)}\0`);
      hash.update(readFileSync(full));
    }
  }
}

/** The folder of a package the kata resolves (as its tests resolve it), if it is installed. */
function packageDir(kata: Kata, name: string): string | undefined {
  try {
    return path.dirname(createRequire(path.join(kata.dir, "package.json")).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function runKey(ctx: Ctx, kata: Kata, env: NodeJS.ProcessEnv): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ target: "starter", env, node: process.version }));
  hashTree(hash, kata.dir, kata.dir);
  for (const name of ["@tcp-katas/shared", "@tcp-katas/vitest-config"]) {
    const dir = packageDir(kata, name);
    if (dir) hashTree(hash, dir, dir);
  }
  const lockfile = path.join(ctx.root, "pnpm-lock.yaml");
  if (existsSync(lockfile)) hash.update(readFileSync(lockfile));
  return hash.digest("hex");
}

type Store = Record<string, { key: string; result: RunResult }>;

function load(file: string): Store {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Store;
  } catch {
    // Missing or unreadable: start afresh (it only saves time).
    return {};
  }
}

/**
 * The starter's result, from the store when its key is unchanged (and `fresh` is not asked for), else from a run,
 * which is stored unless it crashed or was stopped (those are worth running again).
 */
export async function starterResult(
  ctx: Ctx,
  kata: Kata,
  fresh = false,
): Promise<{ result: RunResult; fromCache: boolean }> {
  const env = testEnv(ctx);
  const key = runKey(ctx, kata, env);
  const file = path.join(ctx.stateDir, "board.json");
  const hit = fresh ? undefined : load(file)[kata.id];
  if (hit?.key === key) return { result: hit.result, fromCache: true };
  const result = await runKata(kata, "starter", { env });
  if (result.crash === undefined) {
    // Read again: another kata's run may have stored its result meanwhile. Written whole, then renamed.
    const store = { ...load(file), [kata.id]: { key, result } };
    mkdirSync(ctx.stateDir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(store));
    renameSync(`${file}.tmp`, file);
  }
  return { result, fromCache: false };
}

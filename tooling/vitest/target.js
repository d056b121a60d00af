// Plain JS on purpose: vitest loads its config with Node 20, which cannot import .ts from a package.
import { existsSync, statSync } from "node:fs";
import path from "node:path";

/** The environment variable that picks what a kata's tests run against. */
export const TARGET_ENV = "KATA_TARGET";

/**
 * Resolves the kata target switch to a folder.
 * `starter` (default) and `solution` name the kata's own folders; anything else is a path to an attempt
 * folder, relative to where the user ran the command (pnpm's INIT_CWD) or absolute.
 * @param {string} kataDir
 * @param {string | undefined} value
 * @param {string} [baseDir]
 * @returns {{ name: string, dir: string }}
 */
export function resolveTarget(kataDir, value, baseDir = process.env.INIT_CWD ?? process.cwd()) {
  const raw = (value ?? "").trim() || "starter";
  if (raw === "starter" || raw === "solution") return { name: raw, dir: path.join(kataDir, raw) };
  const dir = path.resolve(baseDir, raw);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `${TARGET_ENV}=${raw}: no such folder (${dir}). Use "starter", "solution" or the path of an attempt folder.`,
    );
  }
  return { name: path.relative(kataDir, dir) || ".", dir };
}

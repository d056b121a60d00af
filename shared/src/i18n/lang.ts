import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { DEFAULT_LANG, type Lang } from "./catalogue.ts";

/** The folder with pnpm-workspace.yaml at or above `cwd`, or undefined outside the workspace. */
export function workspaceRoot(cwd: string = process.cwd()): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where the learner's own state lives: KATA_STATE_DIR, else `<workspace root>/.kata` (git-ignored). */
export function stateDir(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  if (env.KATA_STATE_DIR) return path.resolve(cwd, env.KATA_STATE_DIR);
  const root = workspaceRoot(cwd);
  return root === undefined ? undefined : path.join(root, ".kata");
}

function readConfig(file: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof data === "object" && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The language a locale name such as `ko_KR.UTF-8` or `en-US` speaks: "ko", "en"; "C" and "POSIX" say nothing. */
function localeLang(locale: string): string {
  return (/^[a-zA-Z]+/.exec(locale)?.[0] ?? "").toLowerCase();
}

/**
 * The learner's language, first found of: KATA_LANG (if it is a known language); the choice stored by
 * `pnpm kata lang` in `<state dir>/config.json`; the locale (the first of LC_ALL, LC_MESSAGES, LANG that is
 * set decides, as in POSIX); English. `known`: the languages the caller has messages in.
 */
export function resolveLang(env: NodeJS.ProcessEnv, cwd: string, known: readonly Lang[]): Lang {
  const isKnown = (lang: string | undefined): lang is Lang => lang !== undefined && known.includes(lang);
  const chosen = env.KATA_LANG?.trim().toLowerCase();
  if (isKnown(chosen)) return chosen;
  const dir = stateDir(env, cwd);
  if (dir !== undefined) {
    const stored = readConfig(path.join(dir, "config.json")).lang;
    if (typeof stored === "string" && isKnown(stored)) return stored;
  }
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== "");
  if (locale !== undefined) {
    const lang = localeLang(locale);
    if (isKnown(lang)) return lang;
  }
  return DEFAULT_LANG;
}

/** Stores the learner's choice in `<stateDir>/config.json`, keeping the file's other keys. */
export function storeLang(lang: Lang, stateDir: string): void {
  const file = path.join(stateDir, "config.json");
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...readConfig(file), lang }, null, 2)}\n`);
}

// The CLI's words, one language at a time, from tooling/kata/locales/<lang>.json (adding a language is adding a
// file). The mechanism is @tcp-katas/shared/i18n's, so the CLI and the test messages choose a language alike.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type en from "../locales/en.json";

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

export const LOCALES = path.join(import.meta.dirname, "../locales");

export function availableLangs(dir = LOCALES): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

function workspaceOf(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** KATA_LANG; else the choice stored by `kata lang`; else the locale (LC_ALL, LC_MESSAGES, LANG); else English. */
export function resolveLang(env: NodeJS.ProcessEnv, cwd: string, known = availableLangs()): string {
  const asked = env.KATA_LANG?.trim().toLowerCase();
  if (asked && known.includes(asked)) return asked;
  const root = workspaceOf(cwd);
  const state = env.KATA_STATE_DIR ? path.resolve(env.KATA_STATE_DIR) : root && path.join(root, ".kata");
  if (state) {
    try {
      const stored = (JSON.parse(readFileSync(path.join(state, "config.json"), "utf8")) as { lang?: string })
        .lang;
      if (stored && known.includes(stored)) return stored;
    } catch {
      // no stored choice
    }
  }
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "");
  const prefix = locale?.slice(0, 2).toLowerCase();
  return prefix && known.includes(prefix) ? prefix : "en";
}

export interface Catalogue {
  readonly lang: string;
  t(key: MessageKey, params?: Params): string;
}

const cache = new Map<string, Record<string, string>>();
function read(lang: string): Record<string, string> {
  let data = cache.get(lang);
  if (!data) {
    data = JSON.parse(readFileSync(path.join(LOCALES, `${lang}.json`), "utf8")) as Record<string, string>;
    cache.set(lang, data);
  }
  return data;
}

/** Fills `{name}` placeholders; a placeholder without a value is a bug, so it throws. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`message "${template}" needs {${name}}`);
    return String(value);
  });
}

export function loadCatalogue(lang: string): Catalogue {
  const mine = read(lang);
  const fallback = read("en");
  return { lang, t: (key, params) => format(mine[key] ?? fallback[key] ?? key, params) };
}

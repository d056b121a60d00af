import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** A language code with a locale file: "en", "ko", ... */
export type Lang = string;

/** The language every catalogue has, and the one a missing message falls back to. */
export const DEFAULT_LANG: Lang = "en";

/** Messages in one language, looked up by key; a key the language lacks comes from English. */
export interface Catalogue<K extends string> {
  readonly lang: Lang;
  /** The message for `key`, with every `{name}` replaced by `params.name`; a missing value throws. */
  t(key: K, params?: Record<string, string | number>): string;
}

type Messages = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{(\w+)\}/g;
const cache = new Map<string, Messages | undefined>();

/** The languages that have a locale file (`<lang>.json`) in `dir`, sorted; none if the folder is missing. */
export function availableLangs(dir: string): Lang[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

/** One locale file, read once per process (unless `fresh`); undefined when the language has no file. */
function messagesOf(dir: string, lang: Lang, fresh = false): Messages | undefined {
  const file = path.join(dir, `${lang}.json`);
  if (!fresh && cache.has(file)) return cache.get(file);
  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    text = undefined;
  }
  const messages = text === undefined ? undefined : parseLocale(file, text);
  cache.set(file, messages);
  return messages;
}

function parseLocale(file: string, text: string): Messages {
  const data: unknown = JSON.parse(text);
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new Error(`${file}: a locale file is one JSON object of "dotted.key": "text".`);
  for (const [key, value] of Object.entries(data))
    if (typeof value !== "string") throw new Error(`${file}: the value of "${key}" is not a string.`);
  return data as Messages;
}

/** The `{name}` placeholders a message uses, sorted and without repeats. */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))].sort();
}

function fill(key: string, text: string, params: Record<string, string | number> = {}): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`The message "${key}" needs a value for {${name}}.`);
    return String(value);
  });
}

/**
 * The catalogue of `dir` (one `<lang>.json` per language, English required) in `lang` (default: English).
 * A language without a file gives English; a key missing from the language gives its English text.
 */
export function loadCatalogue<K extends string>(dir: string, lang: Lang = DEFAULT_LANG): Catalogue<K> {
  const en = messagesOf(dir, DEFAULT_LANG);
  return catalogueOf<K>(en ? { [DEFAULT_LANG]: en, [lang]: messagesOf(dir, lang) } : {}, lang, dir);
}

/** A catalogue from messages already loaded (bundled JSON), by language; English required. `dir`: where from. */
export function catalogueOf<K extends string>(
  byLang: Readonly<Record<Lang, Messages | undefined>>,
  lang: Lang = DEFAULT_LANG,
  dir?: string,
): Catalogue<K> {
  const fallback = byLang[DEFAULT_LANG];
  if (!fallback)
    throw new Error(
      dir === undefined
        ? "Every catalogue has English."
        : `${path.join(dir, `${DEFAULT_LANG}.json`)} is missing: every catalogue has English.`,
    );
  const own = byLang[lang];
  return {
    lang: own ? lang : DEFAULT_LANG,
    t(key, params) {
      const text = own?.[key] ?? fallback[key];
      if (text === undefined) throw new Error(`No message "${key}"${dir === undefined ? "" : ` in ${dir}`}.`);
      return fill(key, text, params);
    },
  };
}

/**
 * What is wrong with the catalogue in `dir`: keys a language lacks or has in excess, and messages whose
 * placeholders differ from the English one. An empty list means every language is complete.
 */
export function checkCatalogues(dir: string): string[] {
  const problems: string[] = [];
  let en: Messages | undefined;
  try {
    en = messagesOf(dir, DEFAULT_LANG, true);
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
  if (!en) return [`${dir}: no ${DEFAULT_LANG}.json`];
  for (const lang of availableLangs(dir)) {
    if (lang === DEFAULT_LANG) continue;
    let other: Messages | undefined;
    try {
      other = messagesOf(dir, lang, true);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    if (!other) continue;
    const file = path.join(dir, `${lang}.json`);
    for (const [key, text] of Object.entries(en)) {
      const translated = other[key];
      if (translated === undefined) {
        problems.push(`${file}: "${key}" is missing`);
        continue;
      }
      const want = placeholders(text).join(", ");
      const got = placeholders(translated).join(", ");
      if (want !== got) problems.push(`${file}: "${key}" uses {${got}} where English uses {${want}}`);
    }
    for (const key of Object.keys(other))
      if (!(key in en)) problems.push(`${file}: "${key}" is not in ${DEFAULT_LANG}.json`);
  }
  return problems;
}

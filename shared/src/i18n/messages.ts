import { type Catalogue, type Lang, loadCatalogue } from "./catalogue.ts";
import { resolveLang, SHARED_LOCALES } from "./lang.ts";
// A type-only import: the keys are checked at compile time, the files are read at run time.
import type en from "./locales/en.json";

/** The keys of the shared catalogue (shared/testing's and shared/cli's messages), typed from en.json. */
export type SharedKey = keyof typeof en;

let current: Catalogue<SharedKey> | undefined;

/** The shared catalogue in the learner's language (resolveLang(), decided on first use). */
export function messages(): Catalogue<SharedKey> {
  current ??= loadCatalogue<SharedKey>(SHARED_LOCALES, resolveLang());
  return current;
}

/** A shared message in the learner's language. */
export function msg(key: SharedKey, params?: Record<string, string | number>): string {
  return messages().t(key, params);
}

/**
 * Fixes the language of the shared messages for this process (a test asserting exact texts pins "en");
 * undefined goes back to resolveLang() on next use.
 */
export function useLang(lang: Lang | undefined): void {
  current = lang === undefined ? undefined : loadCatalogue<SharedKey>(SHARED_LOCALES, lang);
}

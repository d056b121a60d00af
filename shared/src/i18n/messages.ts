import { type Catalogue, catalogueOf, type Lang } from "./catalogue.ts";
import { resolveLang } from "./lang.ts";
// Imported, not read from disk: a program bundled to run behind the test boundary carries its messages.
import en from "./locales/en.json" with { type: "json" };
import ko from "./locales/ko.json" with { type: "json" };

/** The keys of the shared catalogue (shared/testing's and shared/cli's messages), typed from en.json. */
export type SharedKey = keyof typeof en;

const SHARED: Readonly<Record<Lang, Readonly<Record<string, string>>>> = { en, ko };
/** The languages the shared messages are written in. */
export const SHARED_LANGS: readonly Lang[] = Object.keys(SHARED);

let current: Catalogue<SharedKey> | undefined;

/** The shared catalogue in the learner's language (resolveLang(), decided on first use). */
export function messages(): Catalogue<SharedKey> {
  current ??= catalogueOf<SharedKey>(SHARED, resolveLang(process.env, process.cwd(), SHARED_LANGS));
  return current;
}

/** A shared message in the learner's language. */
export function msg(key: SharedKey, params?: Record<string, string | number>): string {
  return messages().t(key, params);
}

/**
 * Fixes the language of the shared messages for this thread (a test asserting exact texts pins "en");
 * undefined goes back to resolveLang() on next use.
 */
export function useLang(lang: Lang | undefined): void {
  current = lang === undefined ? undefined : catalogueOf<SharedKey>(SHARED, lang);
}

/** A text given in every language the learner may read, as test titles and labels are written. */
export interface Texts {
  readonly en: string;
  readonly ko: string;
}

/** The text in the learner's language: `it(t({ en: "greets one client", ko: "클라이언트 하나에게 인사한다" }), ...)`. */
export function t(texts: Texts): string {
  return messages().lang === "ko" ? texts.ko : texts.en;
}

// The CLI's words, one language at a time, from tooling/kata/locales/<lang>.json (adding a language is adding a
// file there and in shared/src/i18n/locales). The mechanism is @tcp-katas/shared/i18n's, so the CLI and the test
// messages choose the language alike: KATA_LANG, the choice kept by `kata lang`, the locale, else English.
import path from "node:path";

import { availableLangs as langsIn, type Catalogue, loadCatalogue as load } from "@tcp-katas/shared/i18n";

import type en from "../locales/en.json";

export type MessageKey = keyof typeof en;

const LOCALES = path.join(import.meta.dirname, "../locales");

export const availableLangs = (): string[] => langsIn(LOCALES);

export const loadCatalogue = (lang: string): Catalogue<MessageKey> => load<MessageKey>(LOCALES, lang);

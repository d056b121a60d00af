// The CLI's own messages (locales/en.json, ko.json): every key in every language with the same placeholders,
// and the Korean in the course's terms (shared/src/i18n/GLOSSARY.md).
import { readFileSync } from "node:fs";
import path from "node:path";

import { checkCatalogues, glossaryProblems } from "@tcp-katas/shared/i18n";
import { describe, expect, it } from "vitest";

const LOCALES = path.resolve(import.meta.dirname, "../locales");

describe("the CLI's messages", () => {
  it("have every key in every language, with the English placeholders", () => {
    expect(checkCatalogues(LOCALES)).toEqual([]);
  });

  it("speak the glossary's Korean terms, and put no particle fallback after a placeholder", () => {
    const ko = readFileSync(path.join(LOCALES, "ko.json"), "utf8");
    expect(glossaryProblems(ko)).toEqual([]);
    expect(ko.match(/\}(을\(를\)|이\(가\)|은\(는\)|\(으\)로|와\(과\))/g) ?? []).toEqual([]);
  });
});

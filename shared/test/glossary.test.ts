import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { glossary, glossaryProblems, SHARED_LOCALES } from "../src/i18n/index.ts";

describe("the glossary (src/i18n/GLOSSARY.md)", () => {
  it("has one term per concept, each with the variants to avoid, none of them the term itself", () => {
    const terms = glossary();
    expect(terms.length).toBeGreaterThan(5);
    for (const t of terms) {
      expect(t.term, t.concept).not.toBe("");
      expect(t.avoid.length, t.concept).toBeGreaterThan(0);
      expect(t.avoid, t.concept).not.toContain(t.term);
    }
    expect(new Set(terms.map((t) => t.term)).size).toBe(terms.length);
  });

  it("finds a variant it lists, names the term to use, and passes the term itself", () => {
    expect(glossaryProblems("리틀 엔디언 방식으로")).toEqual(['"엔디언" (the course says "엔디안")']);
    expect(glossaryProblems("연결이 리슨 큐에서 기다립니다")).toEqual([
      '"리슨 큐" (the course says "연결요청 대기 큐")',
    ]);
    expect(glossaryProblems("모든 단계가 **done**으로 표시되면")).toEqual([
      '"**done**" (the course says "완료")',
    ]);
    expect(glossaryProblems("리틀 엔디안, 연결요청 대기 큐, 완료")).toEqual([]);
  });

  it("the layers' and the test helpers' Korean messages use only the glossary's terms, no particle fallback", () => {
    const ko = readFileSync(`${SHARED_LOCALES}/ko.json`, "utf8");
    expect(glossaryProblems(ko)).toEqual([]);
    expect(ko.match(/\}(을\(를\)|이\(가\)|은\(는\)|\(으\)로|와\(과\))/g) ?? []).toEqual([]);
  });
});

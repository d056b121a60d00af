import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { availableLangs, checkCatalogues, loadCatalogue, resolveLang, storeLang } from "../src/i18n/index.ts";

const made: string[] = [];

/** A fresh folder of locale files (each test its own, so the per-file cache never carries over). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kata-i18n-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The message `fn` throws. */
function thrownBy(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("nothing was thrown");
}

describe("availableLangs", () => {
  it("lists the .json files only, and nothing for a missing folder", () => {
    const dir = folder({ "en.json": "{}", "ko.json": "{}", "notes.txt": "" });
    expect(availableLangs(dir)).toEqual(["en", "ko"]);
    expect(availableLangs(path.join(dir, "missing"))).toEqual([]);
  });
});

describe("loadCatalogue", () => {
  it("reads a language's file once per process", () => {
    const dir = folder({ "en.json": '{"a": "one"}', "ko.json": '{"a": "하나"}' });
    expect(loadCatalogue(dir, "ko").t("a")).toBe("하나");
    writeFileSync(path.join(dir, "ko.json"), '{"a": "둘"}');
    expect(loadCatalogue(dir, "ko").t("a")).toBe("하나");
  });

  it("refuses a folder without English", () => {
    const dir = folder({ "ko.json": "{}" });
    expect(thrownBy(() => loadCatalogue(dir, "ko"))).toBe(
      `${path.join(dir, "en.json")} is missing: every catalogue has English.`,
    );
  });

  it("refuses a locale file that is not one object of strings", () => {
    for (const text of ["null", "[]", '"text"', "5"]) {
      const dir = folder({ "en.json": text });
      expect(thrownBy(() => loadCatalogue(dir))).toBe(
        `${path.join(dir, "en.json")}: a locale file is one JSON object of "dotted.key": "text".`,
      );
    }
    const dir = folder({ "en.json": '{"a": "x", "b": 1}' });
    expect(thrownBy(() => loadCatalogue(dir))).toBe(
      `${path.join(dir, "en.json")}: the value of "b" is not a string.`,
    );
  });
});

describe("checkCatalogues", () => {
  it("reads the files again, whatever was cached", () => {
    const dir = folder({ "en.json": '{"a": "one"}', "ko.json": '{"a": "하나"}' });
    expect(loadCatalogue(dir, "ko").t("a")).toBe("하나");
    writeFileSync(path.join(dir, "en.json"), '{"a": "one", "b": "two"}');
    expect(checkCatalogues(dir)).toEqual([`${path.join(dir, "ko.json")}: "b" is missing`]);
    writeFileSync(path.join(dir, "ko.json"), '{"a": "하나", "b": "둘", "c": "셋"}');
    expect(checkCatalogues(dir)).toEqual([`${path.join(dir, "ko.json")}: "c" is not in en.json`]);
  });

  it("reports a folder without English, and broken files", () => {
    const none = folder({ "ko.json": "{}" });
    expect(checkCatalogues(none)).toEqual([`${none}: no en.json`]);
    const badEn = folder({ "en.json": "[]" });
    expect(checkCatalogues(badEn)).toEqual([
      `${path.join(badEn, "en.json")}: a locale file is one JSON object of "dotted.key": "text".`,
    ]);
    const badKo = folder({ "en.json": '{"a": "{x}"}', "ko.json": "[]", "ja.json": '{"a": "{y}"}' });
    expect(checkCatalogues(badKo)).toEqual([
      `${path.join(badKo, "ja.json")}: "a" uses {y} where English uses {x}`,
      `${path.join(badKo, "ko.json")}: a locale file is one JSON object of "dotted.key": "text".`,
    ]);
  });
});

describe("resolveLang", () => {
  const known = ["en", "ko"] as const;

  it("skips a stored language it does not know, and a stored null config", () => {
    const state = folder({ "config.json": '{"lang": "fr"}' });
    expect(resolveLang({ KATA_STATE_DIR: state, LANG: "ko_KR.UTF-8" }, state, known)).toBe("ko");
    const nullState = folder({ "config.json": "null" });
    expect(resolveLang({ KATA_STATE_DIR: nullState, LANG: "ko_KR.UTF-8" }, nullState, known)).toBe("ko");
    const stored = folder({ "config.json": '{"lang": "ko"}' });
    expect(resolveLang({ KATA_STATE_DIR: stored }, stored, known)).toBe("ko");
  });

  it("reads the language only from the start of the locale name", () => {
    const state = folder({});
    expect(resolveLang({ KATA_STATE_DIR: state, LANG: "_ko" }, state, known)).toBe("en");
    expect(resolveLang({ KATA_STATE_DIR: state, LANG: "." }, state, known)).toBe("en");
  });
});

describe("storeLang", () => {
  it("replaces a config that is not an object", () => {
    for (const text of ['"ab"', "[1]", "null"]) {
      const state = folder({ "config.json": text });
      storeLang("ko", state);
      expect(JSON.parse(readFileSync(path.join(state, "config.json"), "utf8"))).toEqual({ lang: "ko" });
    }
  });

  it("keeps the other keys of a config object", () => {
    const state = folder({});
    mkdirSync(state, { recursive: true });
    writeFileSync(path.join(state, "config.json"), '{"theme": "dark"}');
    storeLang("en", state);
    expect(JSON.parse(readFileSync(path.join(state, "config.json"), "utf8"))).toEqual({
      theme: "dark",
      lang: "en",
    });
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it, onTestFinished } from "vitest";

import {
  availableLangs,
  checkCatalogues,
  loadCatalogue,
  resolveLang,
  SHARED_LOCALES,
  storeLang,
} from "../src/i18n/index.ts";
import { errorMatching } from "../src/testing/index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "kata-i18n-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function catalogue(files: Record<string, Record<string, string>>): string {
  const dir = tempDir();
  for (const [lang, messages] of Object.entries(files))
    writeFileSync(path.join(dir, `${lang}.json`), JSON.stringify(messages));
  return dir;
}

describe("resolveLang", () => {
  const known = ["en", "ko"];

  it("takes KATA_LANG first, when it is a known language", () => {
    const cwd = tempDir();
    expect(resolveLang({ KATA_LANG: "ko", LANG: "en_US.UTF-8" }, cwd, known)).toBe("ko");
    expect(resolveLang({ KATA_LANG: "en", LC_ALL: "ko_KR.UTF-8" }, cwd, known)).toBe("en");
    expect(resolveLang({ KATA_LANG: "xx", LANG: "ko_KR.UTF-8" }, cwd, known)).toBe("ko");
  });

  it("then the stored choice in the state folder", () => {
    const state = tempDir();
    storeLang("ko", state);
    expect(resolveLang({ KATA_STATE_DIR: state, LANG: "en_US.UTF-8" }, tempDir(), known)).toBe("ko");
    expect(resolveLang({ KATA_STATE_DIR: state, KATA_LANG: "en" }, tempDir(), known)).toBe("en");
  });

  it("finds the state folder at the workspace root when KATA_STATE_DIR is unset", () => {
    const root = tempDir();
    writeFileSync(path.join(root, "pnpm-workspace.yaml"), "packages: []\n");
    const deep = path.join(root, "chapters", "k");
    mkdirSync(deep, { recursive: true });
    storeLang("ko", path.join(root, ".kata"));
    expect(resolveLang({ LANG: "C" }, deep, known)).toBe("ko");
  });

  it("then the locale: the first of LC_ALL, LC_MESSAGES, LANG that is set and not empty", () => {
    const cwd = tempDir();
    expect(resolveLang({ LANG: "ko_KR.UTF-8" }, cwd, known)).toBe("ko");
    expect(resolveLang({ LC_MESSAGES: "ko_KR", LANG: "en_US" }, cwd, known)).toBe("ko");
    expect(resolveLang({ LC_ALL: "en_US.UTF-8", LANG: "ko_KR.UTF-8" }, cwd, known)).toBe("en");
    expect(resolveLang({ LC_ALL: "", LANG: "ko_KR.UTF-8" }, cwd, known)).toBe("ko");
    expect(resolveLang({ LC_ALL: "C", LANG: "ko_KR.UTF-8" }, cwd, known)).toBe("en");
    expect(resolveLang({}, cwd, known)).toBe("en");
  });

  it("knows the shared catalogue's languages by default", () => {
    expect(availableLangs(SHARED_LOCALES)).toEqual(expect.arrayContaining(["en", "ko"]));
    expect(resolveLang({ KATA_LANG: "ko" }, tempDir())).toBe("ko");
  });
});

describe("storeLang", () => {
  it("writes config.json, keeping the other keys", () => {
    const state = path.join(tempDir(), "state");
    storeLang("en", state);
    const file = path.join(state, "config.json");
    writeFileSync(file, JSON.stringify({ lang: "en", other: 1 }));
    storeLang("ko", state);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ lang: "ko", other: 1 });
  });
});

describe("loadCatalogue", () => {
  it("fills placeholders, falls back to English for a missing key or language", () => {
    const dir = catalogue({
      en: { "a.hello": "Hello {name}, {n} bytes", "a.only": "English only" },
      ko: { "a.hello": "{name}님, {n}바이트" },
    });
    const ko = loadCatalogue<"a.hello" | "a.only">(dir, "ko");
    expect(ko.lang).toBe("ko");
    expect(ko.t("a.hello", { name: "민지", n: 5 })).toBe("민지님, 5바이트");
    expect(ko.t("a.only")).toBe("English only");
    const ja = loadCatalogue<"a.hello">(dir, "ja");
    expect(ja.lang).toBe("en");
    expect(ja.t("a.hello", { name: "A", n: 1 })).toBe("Hello A, 1 bytes");
  });

  it("throws when a placeholder has no value, or the key is unknown", () => {
    const dir = catalogue({ en: { "a.hello": "Hello {name}" } });
    const en = loadCatalogue<string>(dir);
    expect(() => en.t("a.hello")).toThrow(errorMatching('The message "a.hello" needs a value for {name}.'));
    expect(() => en.t("a.nope")).toThrow(errorMatching('No message "a.nope"'));
  });
});

describe("checkCatalogues", () => {
  it("names missing keys, extra keys and placeholders that differ", () => {
    const dir = catalogue({
      en: { "a.one": "{x} and {y}", "a.two": "two" },
      ko: { "a.one": "{x} 그리고 {z}", "a.three": "셋" },
    });
    const problems = checkCatalogues(dir).join("\n");
    expect(problems).toContain('"a.two" is missing');
    expect(problems).toContain('"a.three" is not in en.json');
    expect(problems).toContain('"a.one" uses {x, z} where English uses {x, y}');
  });

  it("finds every language complete in every catalogue of the repository", () => {
    const dirs = [SHARED_LOCALES, path.join(repoRoot, "tooling/kata/locales")].filter((dir) =>
      existsSync(dir),
    );
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) {
      expect(availableLangs(dir)).toEqual(expect.arrayContaining(["en", "ko"]));
      expect(checkCatalogues(dir)).toEqual([]);
    }
  });
});

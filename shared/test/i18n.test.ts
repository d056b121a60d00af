import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it, onTestFinished } from "vitest";

import { todo, TodoError } from "../src/cli/index.ts";
import {
  availableLangs,
  catalogueOf,
  checkCatalogues,
  loadCatalogue,
  messages,
  msg,
  resolveLang,
  SHARED_LANGS,
  SHARED_LOCALES,
  storeLang,
  t,
  useLang,
} from "../src/i18n/index.ts";
import { errorMatching } from "../src/testing/index.ts";
import { thrownBy } from "./helpers.ts";

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

  it("for the shared messages, knows the languages they are bundled in: those of the locales folder", () => {
    expect(SHARED_LANGS).toEqual(["en", "ko"]);
    expect([...availableLangs(SHARED_LOCALES)].sort()).toEqual([...SHARED_LANGS].sort());
    expect(resolveLang({ KATA_LANG: "ko" }, tempDir(), SHARED_LANGS)).toBe("ko");
    expect(resolveLang({ KATA_LANG: "ja", LANG: "C" }, tempDir(), SHARED_LANGS)).toBe("en");
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

  // The CLI checks its own catalogue (tooling/kata/test/locales.test.ts): shared reads no other package's files.
  it("finds every language of shared's own catalogue complete", () => {
    expect(availableLangs(SHARED_LOCALES)).toEqual(expect.arrayContaining(["en", "ko"]));
    expect(checkCatalogues(SHARED_LOCALES)).toEqual([]);
  });
});

describe("catalogueOf", () => {
  const bundled = { en: { "a.hi": "Hi {name}", "a.only": "English only" }, ko: { "a.hi": "{name}님 안녕" } };

  it("gives a language's messages, English for a key it lacks, and English for a language it lacks", () => {
    const ko = catalogueOf<"a.hi" | "a.only">(bundled, "ko");
    expect([ko.lang, ko.t("a.hi", { name: "민지" }), ko.t("a.only")]).toEqual([
      "ko",
      "민지님 안녕",
      "English only",
    ]);
    const ja = catalogueOf<"a.hi">(bundled, "ja");
    expect([ja.lang, ja.t("a.hi", { name: "A" })]).toEqual(["en", "Hi A"]);
    expect(catalogueOf<"a.hi">(bundled).lang).toBe("en");
  });

  it("refuses messages without English, and names a key it does not have", () => {
    expect(() => catalogueOf({ ko: {} }, "ko")).toThrow(errorMatching("Every catalogue has English."));
    expect(() => catalogueOf<string>(bundled).t("a.nope")).toThrow(errorMatching('No message "a.nope".'));
  });
});

// Each test here sets the language itself (useLang), and puts it back to the learner's after.
describe("the shared messages, t() and todo() by language", () => {
  let before: string | undefined;
  afterEach(() => {
    if (before === undefined) delete process.env.KATA_LANG;
    else process.env.KATA_LANG = before;
    useLang(undefined);
  });

  it("useLang() pins the language; msg() fills the message in it", () => {
    useLang("ko");
    expect(messages().lang).toBe("ko");
    expect(msg("run.blockedIn", { label: "내 서버", call: "accept", fd: 3 })).toBe(
      "내 서버: accept(3) 호출에서 블로킹되어 있습니다.",
    );
    useLang("en");
    expect(messages().lang).toBe("en");
    expect(msg("run.blockedIn", { label: "your server", call: "accept", fd: 3 })).toBe(
      "your server is blocked in accept(3).",
    );
  });

  it("useLang(undefined) goes back to the learner's language, decided again on next use", () => {
    before = process.env.KATA_LANG;
    useLang("en");
    process.env.KATA_LANG = "ko";
    expect(messages().lang).toBe("en");
    useLang(undefined);
    expect(messages().lang).toBe("ko");
    process.env.KATA_LANG = "en";
    expect(messages().lang).toBe("ko");
    useLang(undefined);
    expect(messages().lang).toBe("en");
  });

  it("t() gives the text in the language of the messages", () => {
    const texts = { en: "greets one client", ko: "클라이언트 하나에게 인사한다" };
    useLang("ko");
    expect(t(texts)).toBe("클라이언트 하나에게 인사한다");
    useLang("en");
    expect(t(texts)).toBe("greets one client");
  });

  it("todo(en, ko) stops with the TODO in the learner's language; todo(en) in English whatever the language", () => {
    for (const [lang, shown] of [
      ["en", "TODO: stage 1: accept a client"],
      ["ko", "TODO: 1단계: 클라이언트를 받으세요"],
    ] as const) {
      useLang(lang);
      const err = thrownBy(() => todo("stage 1: accept a client", "1단계: 클라이언트를 받으세요"));
      expect(err).toBeInstanceOf(TodoError);
      expect((err as TodoError).message).toBe(shown);
    }
  });
});

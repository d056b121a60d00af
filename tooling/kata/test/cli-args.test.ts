// The command line itself: help, bad input, lookups, the manifest's validation and the workspace search. No test
// run is started here, so these are fast.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { COMMAND_NAMES } from "../src/main.ts";
import { kata, tempDir, workspace } from "./helpers.ts";

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("help and bad input", () => {
  it("lists every command with --help, and each command has its own --help", async () => {
    const ws = workspace();
    const all = await kata(["--help"], { cwd: ws });
    expect(all.code).toBe(0);
    for (const c of COMMAND_NAMES.filter((c) => c !== "dev")) expect(all.stdout).toContain(`pnpm kata ${c}`);
    // The maintainers' commands are not the learner's: out of the help, with a help of their own.
    expect(all.stdout).not.toContain("kata dev");
    const dev = await kata(["dev", "--help"], { cwd: ws });
    expect(dev.stdout).toMatch(/^Usage: pnpm kata dev check \[<kata> \| \.\] \| kata dev flake \[N\]\n/);
    const one = await kata(["review", "--help"], { cwd: ws });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: pnpm kata review <kata> --impl DIR \| --all ROOT\n/);
  });

  it("refuses an unknown command, an unknown flag, missing and extra arguments with exit 2 and no stack", async () => {
    const ws = workspace();
    const cases: [string[], string][] = [
      [["frobnicate"], 'Unknown command "frobnicate"'],
      [["check", "01-1", "--bogus"], "Unknown option '--bogus'"],
      [["check"], "Missing arguments."],
      [["check", "01-1", "1", "2"], "Unexpected arguments: 2"],
      [["hint", "01-1", "1", "x"], "Unexpected arguments: x"],
      [["list", "extra"], "Unexpected arguments: extra"],
      [["check", "01-1", "--solution", "--impl", "x"], "not both"],
      [["dev", "flake", "1.5"], "N must be a whole number >= 1"],
      [["dev", "flake", "0"], "N must be a whole number >= 1"],
      [["dev", "frobnicate"], 'kata dev has no command "frobnicate"'],
      [["new", "Bad Id", "x"], "two digits"],
      [["lang", "xx"], 'No language "xx"'],
    ];
    for (const [args, text] of cases) {
      const r = await kata(args, { cwd: ws });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(text);
      noStack(r.stderr);
    }
  });

  it("resolves ids by prefix, says 'did you mean' for an unknown one, and refuses an unknown stage", async () => {
    const ws = workspace();
    // A second kata, so that a prefix can be ambiguous.
    const second = path.join(ws, "chapters/01-2-other");
    mkdirSync(second, { recursive: true });
    const manifest = JSON.parse(
      readFileSync(path.join(ws, "chapters/01-1-tiny/kata.json"), "utf8"),
    ) as Record<string, unknown>;
    mkdirSync(path.join(second, "test"));
    writeFileSync(path.join(second, "test/stage1-hello.test.ts"), "");
    writeFileSync(path.join(second, "test/stage2-shout.test.ts"), "");
    writeFileSync(
      path.join(second, "kata.json"),
      JSON.stringify({ ...manifest, id: "01-2-other", order: 20 }),
    );
    const unknown = await kata(["hint", "09-9", "1"], { cwd: ws });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No kata "09-9"');
    expect(unknown.stderr).toContain("01-2-other");
    const typo = await kata(["hint", "01-1-tinny", "1"], { cwd: ws });
    expect(typo.stderr).toContain("Did you mean 01-1-tiny?");
    const ambiguous = await kata(["hint", "01", "1"], { cwd: ws });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('"01" matches 2 katas');
    const stage = await kata(["hint", "01-1", "7"], { cwd: ws });
    expect(stage.code).toBe(2);
    expect(stage.stderr).toContain('01-1-tiny has no stage "7"; its stages are 1, 2.');
    const prefix = await kata(["hint", "01-1", "1"], { cwd: ws });
    expect(prefix.code).toBe(0);
  });

  it("says a target folder does not exist", async () => {
    const r = await kata(["check", "01-1", "--impl", "no/such/folder"], { cwd: workspace() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not exist");
  });
});

describe("the workspace and its manifests", () => {
  it("finds the workspace from any folder inside it, and says so outside any", async () => {
    const ws = workspace();
    const inside = await kata(["hint", "01-1", "1"], { cwd: path.join(ws, "chapters/01-1-tiny/starter") });
    expect(inside.code).toBe(0);
    const outside = await kata(["list"], { cwd: tempDir() });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain("No pnpm-workspace.yaml in");
    noStack(outside.stderr);
  });

  it("refuses a kata.json that breaks the schema, naming the file, the field and the reason", async () => {
    const ws = workspace();
    const file = path.join(ws, "chapters/01-1-tiny/kata.json");
    const good = JSON.parse(readFileSync(file, "utf8")) as {
      stages: Record<string, unknown>[];
      programs: Record<string, unknown>[];
    };
    const broken = (change: (m: typeof good) => void) => {
      const m = structuredClone(good);
      change(m);
      writeFileSync(file, JSON.stringify(m));
    };
    const cases: [(m: typeof good) => void, string][] = [
      [(m) => delete m.stages[0]?.tests, "/stages/0: must have required property 'tests'"],
      [
        (m) => ((m.programs[0] as Record<string, unknown>).role = "daemon"),
        "/programs/0/role: must be equal to one of the allowed values",
      ],
      [
        (m) => ((m.stages[1] as Record<string, unknown>).tests = ["test/stage1-hello.test.ts"]),
        "test/stage1-hello.test.ts is already in stage 1",
      ],
      [
        (m) => ((m.stages[0] as Record<string, unknown>).tests = ["test/nope.test.ts"]),
        "test/nope.test.ts does not exist",
      ],
      [
        (m) => ((m.programs[0] as Record<string, unknown>).stage = 9),
        "/programs/0/stage: there is no stage 9",
      ],
      [(m) => ((m as Record<string, unknown>).extra = 1), 'must NOT have additional properties "extra"'],
    ];
    for (const [change, text] of cases) {
      broken(change);
      const r = await kata(["hint", "01-1", "1"], { cwd: ws });
      expect(r.code, text).toBe(1);
      expect(r.stderr, text).toContain(file);
      expect(r.stderr, text).toContain(text);
      noStack(r.stderr);
    }
    writeFileSync(file, "{ not json");
    const json = await kata(["list"], { cwd: ws });
    expect(json.stderr).toContain("not valid JSON");
  });
});

describe("hint and lang", () => {
  it("shows the next hint on each call in one language, remembered in the state folder", async () => {
    const ws = workspace();
    const first = await kata(["hint", "01-1", "1"], { cwd: ws });
    expect(first.stdout).toContain("hint 1 of 2");
    expect(first.stdout).toContain("First hint of stage 1.");
    expect(first.stdout).not.toMatch(/[가-힣]/);
    const second = await kata(["hint", "01-1", "1"], { cwd: ws, env: { KATA_LANG: "ko" } });
    expect(second.stdout).toContain("힌트 2/2");
    expect(second.stdout).toContain("1단계 두 번째 힌트.");
    expect(second.stdout).not.toContain("Second hint");
    const third = await kata(["hint", "01-1", "1"], { cwd: ws });
    expect(third.stdout).toContain("That was the last hint.");
    expect(JSON.parse(readFileSync(path.join(ws, ".kata-test-state/hints.json"), "utf8"))).toEqual({
      "01-1-tiny": { "1": 3 },
    });
    // reset starts the kata afresh, its hints too, and says so.
    const reset = await kata(["reset", "01-1", "--yes"], { cwd: ws });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("starts at the first hint");
    expect(JSON.parse(readFileSync(path.join(ws, ".kata-test-state/hints.json"), "utf8"))).toEqual({});
    expect((await kata(["hint", "01-1", "1"], { cwd: ws })).stdout).toContain("hint 1 of 2");
  });

  it("picks the language from KATA_LANG, then the stored choice, then the locale", async () => {
    const ws = workspace();
    const env = { KATA_LANG: undefined };
    expect((await kata(["--help"], { cwd: ws, env: { ...env, LANG: "ko_KR.UTF-8" } })).stdout).toContain(
      "소켓 카타",
    );
    expect((await kata(["--help"], { cwd: ws, env: { ...env, LANG: "C.UTF-8" } })).stdout).toContain(
      "socket katas",
    );
    const stored = await kata(["lang", "ko"], { cwd: ws, env });
    expect(stored.stdout).toContain("한국어");
    expect((await kata(["--help"], { cwd: ws, env: { ...env, LANG: "en_US.UTF-8" } })).stdout).toContain(
      "소켓 카타",
    );
    expect((await kata(["--help"], { cwd: ws, env: { KATA_LANG: "en" } })).stdout).toContain("socket katas");
    expect((await kata(["lang"], { cwd: ws, env })).stdout).toContain("언어: ko");
  });
});

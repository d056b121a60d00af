import { readFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

import { describe, expect, it } from "vitest";

import { kata, tempDir } from "./helpers.ts";

const hasAnsi = (text: string) => stripVTControlCharacters(text) !== text;

describe("help and bad input", () => {
  it("lists every command with --help, and each command has its own --help", async () => {
    const all = await kata(["--help"]);
    expect(all.code).toBe(0);
    for (const c of ["list", "check", "watch", "hint", "run", "demo", "reset", "review", "new"])
      expect(all.stdout).toContain(`kata ${c}`);
    const one = await kata(["review", "--help"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: pnpm kata review <kata> --impl DIR \| --all ROOT/);
  });

  it("refuses an unknown command and an unknown flag with exit 2 and no stack trace", async () => {
    const cmd = await kata(["frobnicate"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('Unknown command "frobnicate"');
    const flag = await kata(["check", "04-2", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--bogus'");
    expect(flag.stderr).not.toMatch(/\n\s+at /);
  });

  it("resolves ids by prefix, says 'did you mean' for an unknown one and lists the katas", async () => {
    const unknown = await kata(["hint", "04-9", "1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No kata "04-9"');
    expect(unknown.stderr).toContain("04-q7-hello-iterative");
    const typo = await kata(["hint", "04-3-iterative-ecko", "1"], { env: { KATA_STATE_DIR: tempDir() } });
    expect(typo.stderr).toContain("Did you mean 04-3-iterative-echo?");
    const ambiguous = await kata(["hint", "04", "1"]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('"04" matches 4 katas');
  });

  it("says a target folder does not exist", async () => {
    const r = await kata(["check", "04-2", "--impl", "no/such/folder"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not exist");
  });
});

describe("hint", () => {
  it("shows the next hint on each call, in English and Korean, remembered in the state folder", async () => {
    const state = tempDir();
    const first = await kata(["hint", "q7", "1"], { env: { KATA_STATE_DIR: state } });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("hint 1 of 3");
    expect(first.stdout).toMatch(/[가-힣]/);
    const second = await kata(["hint", "q7", "1"], { env: { KATA_STATE_DIR: state } });
    expect(second.stdout).toContain("hint 2 of 3");
    expect(JSON.parse(readFileSync(path.join(state, "hints.json"), "utf8"))).toEqual({
      "04-q7-hello-iterative": { "1": 2 },
    });
    const bad = await kata(["hint", "q7", "9"], { env: { KATA_STATE_DIR: state } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("has no stage 9");
  });
});

describe("check", () => {
  it("passes the solution (exit 0) and summarises by stage, without colour when piped", async () => {
    const r = await kata(["check", "04-2", "--solution"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ stage 1: hello-server.ts, the six steps");
    expect(r.stdout).toMatch(/All \d+ tests pass\./);
    expect(hasAnsi(r.stdout)).toBe(false);
  });

  it("fails the starter (exit 1), naming the first failure and its TODO", async () => {
    const r = await kata(["check", "q7"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("first failure:");
    expect(r.stdout).toContain("TODO: stage 1");
    expect(r.stdout).toContain("pnpm kata hint 04-q7-hello-iterative 1");
  });

  it("colours only when asked (FORCE_COLOR wins, as in Node), never when piped or with NO_COLOR", async () => {
    const env = (extra: NodeJS.ProcessEnv) => ({ KATA_STATE_DIR: tempDir(), ...extra });
    expect(hasAnsi((await kata(["hint", "q7", "1"], { env: env({}) })).stdout)).toBe(false);
    expect(hasAnsi((await kata(["hint", "q7", "1"], { env: env({ FORCE_COLOR: "1" }) })).stdout)).toBe(true);
    expect(hasAnsi((await kata(["hint", "q7", "1"], { env: env({ NO_COLOR: "1" }) })).stdout)).toBe(false);
  });
});

describe("run and demo", () => {
  it("runs a program with its arguments and passes its exit code on", async () => {
    const r = await kata(["run", "04-2", "hello-server", "--solution"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Usage : hello-server.ts <port>");
    const unknown = await kata(["run", "04-2", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("hello-server.ts, hello-client.ts");
  });

  it("plays a kata's demo with labelled output and exits 0", async () => {
    const r = await kata(["demo", "04-3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("[client 2]");
    const lines = r.stdout.split("\n");
    const quit = lines.findIndex((l) => l.startsWith("[client 1]") && l.endsWith(": q"));
    const second = lines.findIndex((l) => l.includes("Connected client 2"));
    expect(quit).toBeGreaterThan(-1);
    expect(second, "Connected client 2 appears only after client 1 quits").toBeGreaterThan(quit);
  });
});

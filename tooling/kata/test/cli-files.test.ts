import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { cloneRepo, copyDir, kata, ROOT, tempDir } from "./helpers.ts";

describe("review", () => {
  it("writes a Markdown report for one attempt, and a table for every attempt under a folder", async () => {
    const root = tempDir();
    copyDir(path.join(ROOT, "chapters/04-2-basic/solution"), path.join(root, "alice"));
    copyDir(path.join(ROOT, "chapters/04-2-basic/starter"), path.join(root, "bob"));
    mkdirSync(path.join(root, "not-an-attempt"));
    const one = await kata(["review", "04-2", "--impl", path.join(root, "alice")], { timeoutMs: 120_000 });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("## Kata review: 04-2-basic");
    expect(one.stdout).toContain("| 1. hello-server.ts, the six steps | ✅ pass |");
    expect(one.stdout).toContain("+0 / −0 lines");
    expect(one.stdout).toContain("### Lint (0)\n\nClean.");
    writeFileSync(
      path.join(root, "alice", "hello-client.ts"),
      `${readFileSync(path.join(root, "alice", "hello-client.ts"), "utf8")}const unused = 1;\n`,
    );
    const linted = await kata(["review", "04-2", "--impl", path.join(root, "alice")], { timeoutMs: 120_000 });
    expect(linted.stdout).toMatch(
      /### Lint \(1\)\n\n- hello-client\.ts:\d+ 'unused' is assigned a value but never used/,
    );
    expect(linted.stdout).toContain("+1 / −0 lines");
    const all = await kata(["review", "04-2", "--all", root], { timeoutMs: 120_000 });
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/\| alice \| ✅ pass \| ✅ pass \| ✅ pass \| ✅ pass \|/);
    expect(all.stdout).toMatch(/\| bob \| ❌ fail/);
    expect(all.stdout).not.toContain("not-an-attempt");
  }, 120_000);

  it("asks for --impl or --all", async () => {
    const r = await kata(["review", "04-2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--impl DIR");
  });
});

describe("reset and new, in a copy of the repository", () => {
  it("reset restores the starter and keeps the learner's files in a backup", async () => {
    const repo = await cloneRepo();
    const file = path.join(repo, "chapters/04-2-basic/starter/hello-server.ts");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, "// my work in progress\n");
    const env = { KATA_ROOT: repo, KATA_STATE_DIR: path.join(repo, ".kata") };
    const refused = await kata(["reset", "04-2"], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect(readFileSync(file, "utf8")).toBe("// my work in progress\n");
    const done = await kata(["reset", "04-2", "--yes"], { env });
    expect(done.code, done.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(original);
    const backup = /in (\S+)$/m.exec(done.stdout)?.[1] ?? "";
    expect(readFileSync(path.resolve(ROOT, backup, "hello-server.ts"), "utf8")).toBe(
      "// my work in progress\n",
    );
  });

  it("new scaffolds a kata with every part of the contract, and refuses bad or taken ids", async () => {
    const repo = await cloneRepo();
    const env = { KATA_ROOT: repo };
    const r = await kata(["new", "05-1-tcp-again", "TCP, again"], { env });
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(repo, "chapters/05-1-tcp-again");
    for (const f of [
      "kata.json",
      "README.md",
      "README.ko.md",
      "package.json",
      "tsconfig.json",
      "vitest.config.ts",
      "eslint.config.js",
      "starter/hello-server.ts",
      "solution/hello-server.ts",
      "test/stage1.test.ts",
    ]) {
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({
      name: "@tcp-katas/05-1-tcp-again",
    });
    expect((await kata(["new", "05-1-tcp-again", "again"], { env })).code).toBe(2);
    const bad = await kata(["new", "Bad Id", "x"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("two digits");
    expect((await kata(["new", "05-2-no-title"], { env })).code).toBe(2);
  });

  it("dev-check catches a starter that is already solved", async () => {
    const repo = await cloneRepo();
    copyDir(path.join(repo, "chapters/04-2-basic/solution"), path.join(repo, "chapters/04-2-basic/starter"));
    const r = await kata(["dev-check", "04-2"], { env: { KATA_ROOT: repo }, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("stage 1 is already solved by starter/");
  }, 120_000);
});

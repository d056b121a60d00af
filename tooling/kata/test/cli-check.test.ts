// `kata check` and `kata watch` on the fixture workspace's kata: each run starts a vitest of its own.
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";

import { describe, expect, it } from "vitest";

import { main } from "../src/main.ts";
import { attempt, KATA, kata, processesWith, SLOW, workspace } from "./helpers.ts";

describe("check", SLOW, () => {
  it("passes the solution with exit 0 and a line per stage, without colour when piped", async () => {
    const r = await kata(["check", "01-1", "--solution"], { cwd: workspace() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ stage 1: hello.ts greets · 2/2");
    expect(r.stdout).toContain("✓ stage 2: shout() in capitals · 1/1");
    expect(r.stdout).toContain("All 3 tests pass.");
    expect(stripVTControlCharacters(r.stdout)).toBe(r.stdout);
  });

  it("shows an untouched starter as not started (a TODO, by its error code), naming the TODO and the hint", async () => {
    const r = await kata(["check", "01-1"], { cwd: workspace() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("· stage 1: hello.ts greets · 0/2");
    expect(r.stdout).toContain("· stage 2: shout() in capitals · 0/1");
    expect(r.stdout).toContain('TODO: stage 1: hello.ts: print "Hello, Ada!"');
    expect(r.stdout).toContain("pnpm kata hint 01-1-tiny 1");
  });

  it("runs one stage when asked, and says the others did not run", async () => {
    const r = await kata(["check", "01-1", "2", "--solution"], { cwd: workspace() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("- stage 1: hello.ts greets · not run");
    expect(r.stdout).toContain("✓ stage 2: shout() in capitals · 1/1");
    expect(r.stdout).toContain("All 1 tests pass.");
  });

  it("shows a wrong attempt as failing, with expected and got", async () => {
    const ws = workspace();
    const dir = attempt(ws, "hello.ts", (t) => t.replace("Hello, ", "Hi, "));
    const r = await kata(["check", "01-1", "--impl", dir], { cwd: ws });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ stage 1: hello.ts greets · 1/2");
    expect(r.stdout).toContain("✓ stage 2");
    expect(r.stdout).toContain('"Hi, Ada!\\n"');
  });

  it("fails a program that never lets its event loop run at its test's deadline, says so, shows its output and leaves no process", async () => {
    const ws = workspace();
    const dir = attempt(ws, "hello.ts", (t) =>
      t.replace(
        "io.stdout.write(`Hello, ${name}!\\n`);",
        'io.stdout.write("spinning now\\n");\n  for (;;) {\n    // never yields\n  }',
      ),
    );
    const r = await kata(["check", "01-1", "1", "--impl", dir], { cwd: ws });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("hello is in no socket call and its event loop does not run");
    expect(r.stdout).toContain("[hello stdout] spinning now");
    expect(r.stdout).toContain("✗ stage 1");
    expect(processesWith(dir)).toEqual([]);
    expect(processesWith(path.join(ws, KATA))).toEqual([]);
  });
});

describe("watch", SLOW, () => {
  it("re-runs when a file of the target changes or its folder is replaced, with vitest kept warm, and ends on Ctrl-C", async () => {
    const ws = workspace();
    const stdout = new PassThrough();
    let out = "";
    let interrupt: (() => void) | undefined;
    const runs = () => out.split("All 3 tests pass.").length - 1;
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (runs() >= n ? resolve() : undefined);
        stdout.on("data", (d: Buffer) => {
          out += d.toString();
          check();
        });
        check();
      });
    const done = main(["watch", "01-1", "--solution"], {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      env: { PATH: process.env.PATH, KATA_LANG: "en" },
      cwd: ws,
      onInterrupt(fn) {
        interrupt = fn;
        return () => (interrupt = undefined);
      },
    });
    await until(1);
    const file = path.join(ws, KATA, "solution/shout.ts");
    appendFileSync(file, "\n// touched\n");
    await until(2);
    // Saved as sed -i, vim and "safe write" editors do: a new file renamed over the old one. The watch must
    // survive the replacement.
    execFileSync("sed", ["-i", "s|// touched|// replaced|", file]);
    await until(3);
    appendFileSync(file, "// touched again\n");
    await until(4);
    // The whole folder replaced, as `kata reset` and git do: the watch sees it, runs, and keeps hearing saves.
    const folder = path.join(ws, KATA, "solution");
    const copy = `${folder}.new`;
    cpSync(folder, copy, { recursive: true });
    rmSync(folder, { recursive: true });
    renameSync(copy, folder);
    await until(5);
    appendFileSync(file, "// after the folder was replaced\n");
    await until(6);
    expect(out).toContain("watching");
    interrupt?.();
    expect(await done).toBe(0);
  });
});

// The CLI as a process, where the process itself is what is tested: exit codes passed on, signals, the demo's
// child programs.
import { spawn } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { BIN, kata, workspace } from "./helpers.ts";

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnKata(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KATA_LANG: "en", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Ran>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
}

const SLOW = { timeout: 60_000 };

describe("the CLI as a process", SLOW, () => {
  it("runs a program with its arguments, from where the user is, and passes its exit code on", async () => {
    const ws = workspace();
    // Three processes side by side: each is the CLI started as a user starts it.
    const [ok, failing, usage] = await Promise.all([
      spawnKata(["run", "01-1", "hello", "Ada", "--solution"], ws).done,
      // The target flag anywhere, space-separated, as the README writes it; the program's own exit code comes back.
      spawnKata(["run", "01-1", "hello", "fail", "--impl", path.join(ws, "chapters/01-1-tiny/solution")], ws)
        .done,
      spawnKata(["run", "01-1", "hello", "--solution"], ws).done,
    ]);
    expect(ok.stdout).toBe("Hello, Ada!\n");
    expect(ok.code).toBe(0);
    expect(failing.stdout).toBe("Hello, fail!\n");
    expect(failing.code).toBe(3);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toBe("Usage : hello.ts <name>\n");
    // The CLI's own refusal needs no process of its own.
    const unknown = await kata(["run", "01-1", "nope"], { cwd: ws });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('01-1-tiny has no program "nope". Its programs: hello.ts');
  });

  it("plays a kata's demo with labelled output and exits 0", async () => {
    const r = await spawnKata(["demo", "01-1"], workspace()).done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The tiny kata greets.");
    expect(r.stdout).toMatch(/\[hello\] +Hello, demo!/);
    expect(r.stdout).toMatch(/\[hello\] +\(exited with 0\)/);
  });

  it("stops the tests and everything they started when it is killed with SIGTERM", async () => {
    const ws = workspace();
    const run = spawnKata(["watch", "01-1", "--solution"], ws);
    // Waits by event: every chunk of output is a chance that the first run has finished.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (run.output().includes("All 3 tests pass.")) resolve();
      };
      run.child.stdout.on("data", check);
      check();
    });
    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.code).toBe(143);
    const { execFileSync } = await import("node:child_process");
    const left = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(ws));
    expect(left).toEqual([]);
  });
});

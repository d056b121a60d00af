// The CLI as a process, where the process itself is what is tested: exit codes passed on, signals, the demo's
// child programs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { sweep } from "@tcp-katas/vitest-config/run-tmpdir";
import { describe, expect, it } from "vitest";

import { BIN, kata, PACKAGE, workspace } from "./helpers.ts";

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

  it("a test run ended part-way leaves no process and no temporary folder, whoever it was signalled by", async () => {
    const ws = workspace();
    const kataDir = path.join(ws, "chapters/01-1-tiny");
    const vitestBin = path.join(PACKAGE, "node_modules/vitest/vitest.mjs");
    const marker = path.join(ws, "started.json");
    // A program that runs until it is stopped, started as a process of its own as the stage tests start servers.
    writeFileSync(
      path.join(kataDir, "solution/forever.ts"),
      [
        'import { program } from "@tcp-katas/shared/cli";',
        "",
        'export const main = program({ name: "forever.ts", params: [] }, async (_args, io) => {',
        "  io.stdout.write(`${process.pid}\\n`);",
        "  await new Promise(() => setInterval(() => {}, 60_000));",
        "  return 0;",
        "});",
        "",
      ].join("\n"),
    );
    // A test that makes a temporary folder, starts that program, says where both are, and never ends.
    writeFileSync(
      path.join(kataDir, "test/stage9-partway.test.ts"),
      [
        'import { mkdtempSync, writeFileSync } from "node:fs";',
        'import { tmpdir } from "node:os";',
        'import path from "node:path";',
        'import { run } from "@tcp-katas/shared/testing";',
        'import { program } from "@tcp-katas/vitest-config/impl";',
        'import { it } from "vitest";',
        'it("never ends", async () => {',
        '  const dir = mkdtempSync(path.join(tmpdir(), "kata-test-"));',
        '  const forever = run(program("forever.ts"), [], { label: "forever", process: true, deadlineMs: 120_000 });',
        '  await forever.waitUntil("its pid", () => /\\d+\\n/.test(forever.stdout.text), 30_000);',
        "  const started = { dir, worker: process.pid, program: Number(forever.stdout.text) };",
        `  writeFileSync(${JSON.stringify(marker)}, JSON.stringify(started));`,
        "  await new Promise(() => {});",
        "}, 120_000);",
        "",
      ].join("\n"),
    );
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Ctrl-C and turbo stopping the other tasks signal the whole process group; a supervisor may signal vitest alone.
    for (const [signal, group] of [
      ["SIGINT", true],
      ["SIGTERM", false],
    ] as const) {
      const vitest = spawn(process.execPath, [vitestBin, "run", "test/stage9-partway.test.ts"], {
        cwd: kataDir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, KATA_TARGET: "solution", KATA_LANG: "en" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let output = "";
      vitest.stdout.on("data", (d: Buffer) => (output += d.toString()));
      vitest.stderr.on("data", (d: Buffer) => (output += d.toString()));
      let ended = false;
      const closed = new Promise((resolve) => vitest.on("close", resolve)).then(() => (ended = true));
      while (!existsSync(marker)) {
        if (ended) expect.fail(`vitest ended before its test started the program:\n${output}`);
        await sleep(50);
      }
      const started = JSON.parse(readFileSync(marker, "utf8")) as {
        dir: string;
        worker: number;
        program: number;
      };
      expect(existsSync(started.dir)).toBe(true);
      expect([started.worker, started.program].every(alive)).toBe(true);
      process.kill(group ? -(vitest.pid ?? 0) : (vitest.pid ?? 0), signal);
      await closed;
      // Processes that are not this test's children end on their own time: a deadline, not a fixed wait.
      for (let waited = 0; waited < 5_000 && [started.worker, started.program].some(alive); waited += 50)
        await sleep(50);
      expect({ signal, group, worker: alive(started.worker), program: alive(started.program) }).toEqual({
        signal,
        group,
        worker: false,
        program: false,
      });
      // The test's folder and the run's own folder around it (tooling/vitest's run-tmpdir.js) are gone.
      expect(existsSync(path.dirname(started.dir))).toBe(false);
      rmSync(marker);
    }
  });

  it("a run's folder that SIGKILL left behind is removed by the next run, and only once its vitest is gone", () => {
    const parent = mkdtempSync(path.join(tmpdir(), "sweep-"));
    try {
      const gone = spawnSync(process.execPath, ["-e", ""]).pid;
      const names = [
        `tcp-katas-test-${gone}-abc`,
        `tcp-katas-test-${process.pid}-def`,
        "tcp-katas-test-x-1",
        "other",
      ];
      for (const name of names) mkdirSync(path.join(parent, name, "inside"), { recursive: true });
      sweep(parent);
      expect(names.map((name) => existsSync(path.join(parent, name)))).toEqual([false, true, true, true]);
      sweep(path.join(parent, "missing"));
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

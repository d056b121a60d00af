// The preset's own watchdog (shared/src/watchdog), without the CLI: a plain `vitest run`, as
// `pnpm --filter <kata> test` starts it, on the fixture kata with a target that never lets its event loop run.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { attempt, KATA, processesWith, SLOW, workspace } from "./helpers.ts";

async function plainVitest(cwd: string, env: NodeJS.ProcessEnv) {
  const vitest = path.join(
    path.dirname(createRequire(path.join(cwd, "package.json")).resolve("vitest/package.json")),
    "vitest.mjs",
  );
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env, NO_COLOR: "1", KATA_LANG: "en" };
  for (const key of Object.keys(clean)) if (key === "VITEST" || key.startsWith("VITEST_")) delete clean[key];
  delete clean.KATA_BEAT_DIR;
  const child = spawn(process.execPath, [vitest, "run", "test/stage1-hello.test.ts"], { cwd, env: clean });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, out };
}

describe("a plain vitest run", SLOW, () => {
  it("stops a test that never lets the event loop run, names it, fails the run and leaves no process", async () => {
    const ws = workspace();
    const dir = attempt(ws, "hello.ts", (t) =>
      t.replace("io.stdout.write(`Hello, ${name}!\\n`);", "for (;;) {\n    // never yields\n  }"),
    );
    const r = await plainVitest(path.join(ws, KATA), { KATA_TARGET: dir, KATA_HARD_DEADLINE_MS: "2000" });
    expect(r.out).toContain(
      'The tests were stopped: "stage 1: hello.ts greets > prints Hello, <name>!" ran for 2 s without letting the event loop run.',
    );
    expect(r.out).toContain("Worker exited unexpectedly");
    expect(r.code).toBe(1);
    expect(processesWith(dir)).toEqual([]);
  });

  it("leaves alone a test that waits longer than the deadline", async () => {
    const ws = workspace();
    const dir = attempt(ws, "hello.ts", (t) =>
      t.replace(
        "io.stdout.write(`Hello, ${name}!\\n`);",
        "await new Promise((r) => setTimeout(r, 2500));\n  $&",
      ),
    );
    const r = await plainVitest(path.join(ws, KATA), { KATA_TARGET: dir, KATA_HARD_DEADLINE_MS: "1000" });
    expect(r.out).not.toContain("The tests were stopped");
    expect(r.code).toBe(0);
  });
});

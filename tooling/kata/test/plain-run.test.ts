// The kata tests without the CLI: a plain `vitest run`, as `pnpm --filter <kata> test` starts it, on the fixture
// kata. A learner's program runs behind the test boundary, so even one that never lets its event loop run fails
// its test at the deadline, and a run that is stopped part-way leaves nothing behind.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { attempt, KATA, processesWith, SLOW, workspace } from "./helpers.ts";

function plainVitest(cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const vitest = path.join(
    path.dirname(createRequire(path.join(cwd, "package.json")).resolve("vitest/package.json")),
    "vitest.mjs",
  );
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env, NO_COLOR: "1", KATA_LANG: "en" };
  for (const key of Object.keys(clean)) if (key === "VITEST" || key.startsWith("VITEST_")) delete clean[key];
  const child = spawn(process.execPath, [vitest, "run", "test/stage1-hello.test.ts"], { cwd, env: clean });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

const spinning = (text: string) =>
  text.replace("io.stdout.write(`Hello, ${name}!\\n`);", "for (;;) {\n    // never yields\n  }");

describe("a plain vitest run", SLOW, () => {
  it("fails a program that never lets its event loop run, at its deadline, and says so", async () => {
    const ws = workspace();
    const dir = attempt(ws, "hello.ts", spinning);
    const { child, output } = plainVitest(path.join(ws, KATA), { KATA_TARGET: dir });
    const [code] = (await once(child, "exit")) as [number | null];
    expect(output()).toContain("hello is in no socket call and its event loop does not run");
    expect(code).toBe(1);
    expect(processesWith(dir)).toEqual([]);
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "stopped part-way by %s (as turbo stops the other tasks when one fails), leaves no process behind",
    async (signal) => {
      const ws = workspace();
      const marker = path.join(ws, "spinning");
      // The program marks that it has started, then spins: the run is stopped while its thread is busy.
      const dir = attempt(ws, "hello.ts", (text) =>
        spinning(text).replace(
          "for (;;)",
          `(await import("node:fs")).writeFileSync(${JSON.stringify(marker)}, "");\n  for (;;)`,
        ),
      );
      const { child } = plainVitest(path.join(ws, KATA), { KATA_TARGET: dir });
      await new Promise<void>((resolve) => {
        const check = () => (existsSync(marker) ? resolve() : setTimeout(check, 20));
        check();
      });
      child.kill(signal);
      await once(child, "exit");
      expect(processesWith(path.join(ws, KATA))).toEqual([]);
      expect(processesWith(dir)).toEqual([]);
    },
  );
});

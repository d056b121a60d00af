import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { cloneRepo, kata } from "./helpers.ts";

const BIN = path.resolve(import.meta.dirname, "../bin/kata.js");

describe("list", () => {
  it("shows every kata and stage of the starter, and the next step", async () => {
    const r = await kata(["list"], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    for (const id of ["04-2-basic", "04-3-iterative-echo", "04-4-windows-style", "04-q7-hello-iterative"])
      expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/stage 1 +not started +hello-server\.ts, the six steps/);
    expect(r.stdout).toContain("0/16 stages done.");
    expect(r.stdout).toContain("Next: edit chapters/04-2-basic/starter");
  }, 120_000);
});

describe("watch", () => {
  it.each([[[]], [["--poll"]]])(
    "re-runs when a file of the target changes %j, and ends on Ctrl-C",
    async (extra) => {
      const repo = await cloneRepo();
      const child = spawn(process.execPath, [BIN, "watch", "04-2", "--solution", ...extra], {
        env: { ...process.env, KATA_ROOT: repo, NO_COLOR: "1", CI: undefined },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const runs = () => out.split("All 28 tests pass.").length - 1;
      const until = (n: number) =>
        new Promise<void>((resolve, reject) => {
          const check = () => (runs() >= n ? resolve() : undefined);
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            check();
          });
          child.once("close", () => reject(new Error(`watch ended early:\n${out}`)));
          check();
        });
      await until(1);
      appendFileSync(path.join(repo, "chapters/04-2-basic/solution/hello-server.ts"), "\n// touched\n");
      await until(2);
      child.kill("SIGINT");
      const code = await new Promise((resolve) => child.once("close", resolve));
      expect(code).toBe(0);
      expect(out).toContain("watching");
    },
    60_000,
  );
});

describe("flake", () => {
  it("refuses a run count that is not a whole number >= 1", async () => {
    for (const n of ["0", "x", "1.5"]) {
      const r = await kata(["flake", n]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("N must be a whole number >= 1");
    }
  });
});

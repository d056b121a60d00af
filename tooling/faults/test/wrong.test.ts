// Every wrong attempt kept under chapters/<kata>/test/wrong/<name>/ is a learner's bug that once passed:
// its kata's suite, run against it for the stage wrong.json names, must fail, and in the test it names.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { type Kata, katas } from "./katas.ts";

interface WrongAttempt {
  kata: Kata;
  name: string;
  dir: string;
  /** The stage whose tests must catch it. */
  stage: number;
  /** The bug, in a sentence. */
  why: string;
  /** Part of the title of the test that must fail. */
  catches?: string;
  /**
   * Set while a test that would catch it cannot yet (a gap outside the tests, named here). The attempt must
   * then still pass its stage: the day it fails, the gap is closed and this field must go.
   */
  knownGap?: string;
}

function wrongAttempts(): WrongAttempt[] {
  return katas().flatMap((kata) => {
    const root = path.join(kata.dir, "test", "wrong");
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const dir = path.join(root, e.name);
        const meta = JSON.parse(readFileSync(path.join(dir, "wrong.json"), "utf8")) as {
          stage: number;
          why: string;
          catches?: string;
          knownGap?: string;
        };
        return { kata, name: e.name, dir, ...meta };
      });
  });
}

interface JsonReport {
  numFailedTests: number;
  numTotalTests: number;
  testResults: {
    name: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

/** Runs the kata's own vitest on some of its test files against `target`, and returns the JSON report. */
async function runStage(kata: Kata, files: string[], target: string): Promise<JsonReport> {
  const pkg = createRequire(path.join(kata.dir, "package.json")).resolve("vitest/package.json");
  const vitest = path.join(path.dirname(pkg), "vitest.mjs");
  const out = mkdtempSync(path.join(tmpdir(), "kata-wrong-"));
  const report = path.join(out, "report.json");
  try {
    const child = spawn(
      process.execPath,
      [vitest, "run", "--reporter=json", `--outputFile=${report}`, ...files],
      {
        cwd: kata.dir,
        env: { ...process.env, KATA_TARGET: target, CI: "1" },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", () => resolve());
    });
    if (!existsSync(report)) throw new Error(`vitest wrote no report for ${target}.\n${stderr}`);
    return JSON.parse(readFileSync(report, "utf8")) as JsonReport;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const attempts = wrongAttempts();

describe("wrong attempts: each fails its kata's suite at the stage it belongs to", () => {
  it("there are wrong attempts to run (chapters/*/test/wrong/*/wrong.json)", () => {
    expect(attempts.length).toBeGreaterThan(0);
  });

  it.each(attempts.map((a) => [`${a.kata.id}/${a.name}`, a] as const))(
    "%s",
    async (_name, attempt) => {
      const stage = attempt.kata.stages.find((s) => s.stage === attempt.stage);
      expect(stage, `${attempt.kata.id} has no stage ${attempt.stage}`).toBeDefined();
      const report = await runStage(attempt.kata, stage?.tests ?? [], attempt.dir);
      const tests = report.testResults.flatMap((f) => f.assertionResults);
      const failed = tests.filter((t) => t.status === "failed");
      const loadErrors = report.testResults.filter((f) => f.message).map((f) => `${f.name}: ${f.message}`);
      expect(loadErrors, "every test file of the stage loads against the wrong attempt").toEqual([]);
      if (attempt.knownGap !== undefined) {
        expect(
          failed.map((t) => t.fullName),
          `${attempt.name} is now caught: the known gap (${attempt.knownGap}) is closed; remove "knownGap" from its wrong.json`,
        ).toEqual([]);
        return;
      }
      expect(
        failed.map((t) => t.fullName),
        `stage ${attempt.stage} must catch ${attempt.name} (${attempt.why}); it passed all ${tests.length} tests`,
      ).not.toEqual([]);
      for (const t of failed) {
        expect(t.failureMessages.join("\n"), `${t.fullName} failed for the wrong reason`).not.toMatch(
          /does not exist: every kata target needs|Not done yet/,
        );
      }
      if (attempt.catches !== undefined) {
        expect(
          failed.map((t) => t.fullName).some((n) => n.includes(attempt.catches ?? "")),
          `the test "${attempt.catches}" must be among those that fail: ${failed.map((t) => t.fullName).join("; ")}`,
        ).toBe(true);
      }
    },
    240_000,
  );
});

// Every wrong attempt kept under chapters/<kata>/test/wrong/<name>/ is a learner's bug that once passed:
// its kata's suite, run against it for the stage wrong.json names, must fail, and in the test it names.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { type Kata, katas, repoRoot } from "./katas.ts";

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

interface Report {
  projects: Record<
    string,
    { tests: { fullName: string; state: string; messages: string[] }[]; loadErrors: string[] }
  >;
  unhandled: string[];
}

const projectName = (a: WrongAttempt) => `${a.kata.id}/${a.name}`;

/**
 * Runs every attempt's stage in one vitest (wrong-run/vitest.config.js: a project per attempt, each its kata's
 * own preset with the attempt as target), and returns what each project's tests did.
 */
async function runAll(planned: WrongAttempt[]): Promise<Report> {
  const anyKata = planned[0]?.kata.dir ?? repoRoot();
  const pkg = createRequire(path.join(anyKata, "package.json")).resolve("vitest/package.json");
  const vitest = path.join(path.dirname(pkg), "vitest.mjs");
  const out = mkdtempSync(path.join(tmpdir(), "kata-wrong-"));
  const plan = path.join(out, "plan.json");
  const report = path.join(out, "report.json");
  writeFileSync(
    plan,
    JSON.stringify(
      planned.map((a) => ({
        project: projectName(a),
        kataDir: a.kata.dir,
        target: a.dir,
        files: a.kata.stages.find((s) => s.stage === a.stage)?.tests ?? [],
      })),
    ),
  );
  try {
    const config = path.join(import.meta.dirname, "..", "wrong-run", "vitest.config.js");
    const child = spawn(process.execPath, [vitest, "run", "--config", config], {
      cwd: path.dirname(config),
      env: { ...process.env, WRONG_PLAN: plan, WRONG_REPORT: report, CI: "1", KATA_TARGET: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", () => resolve());
    });
    if (!existsSync(report)) throw new Error(`vitest wrote no report for the wrong attempts.\n${stderr}`);
    return JSON.parse(readFileSync(report, "utf8")) as Report;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const attempts = wrongAttempts();
let report: Report | undefined;

beforeAll(async () => {
  report = await runAll(attempts);
}, 240_000);

describe("wrong attempts: each fails its kata's suite at the stage it belongs to", () => {
  it("there are wrong attempts to run (chapters/*/test/wrong/*/wrong.json)", () => {
    expect(attempts.length).toBeGreaterThan(0);
  });

  it.each(attempts.map((a) => [`${a.kata.id}/${a.name}`, a] as const))("%s", async (_name, attempt) => {
    const stage = attempt.kata.stages.find((s) => s.stage === attempt.stage);
    expect(stage, `${attempt.kata.id} has no stage ${attempt.stage}`).toBeDefined();
    const ran = report?.projects[projectName(attempt)];
    expect(
      ran,
      `the run has no result for ${projectName(attempt)}: ${report?.unhandled.join("\n")}`,
    ).toBeDefined();
    const tests = ran?.tests ?? [];
    const failed = tests
      .filter((t) => t.state === "failed")
      .map((t) => ({ fullName: t.fullName, failureMessages: t.messages }));
    expect(ran?.loadErrors, "every test file of the stage loads against the wrong attempt").toEqual([]);
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
  });
});

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

import { CliError } from "./errors.ts";
import type { Kata } from "./katas.ts";

export interface TestResult {
  stage: number | undefined;
  group: string;
  title: string;
  status: "passed" | "failed" | "skipped";
  duration: number;
  failure: string | undefined;
}

/** done: every test passes; not started: every failure is a TODO the starter still holds; failing: the rest. */
export type StageState = "done" | "not started" | "failing";

export interface StageResult {
  stage: number;
  title: string;
  passed: number;
  failed: number;
  state: StageState;
  firstFailure: TestResult | undefined;
}

export interface RunResult {
  target: string;
  tests: TestResult[];
  stages: StageResult[];
  /** Output of a run that could not produce results (a config or syntax error). */
  crash?: string;
}

interface JsonReport {
  testResults: {
    name: string;
    message?: string;
    assertionResults: {
      ancestorTitles: string[];
      title: string;
      status: string;
      duration?: number;
      failureMessages: string[];
    }[];
  }[];
}

/** What KATA_TARGET should be for a target given on the command line. */
export function targetValue(kata: Kata, target: { solution?: boolean; impl?: string }): string {
  if (target.solution) return "solution";
  if (target.impl) return path.resolve(target.impl);
  return "starter";
}

/** Runs a kata's tests against a target (through vitest's JSON reporter) and groups them by stage. */
export async function runKata(
  kata: Kata,
  target: string,
  options: { filter?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const require = createRequire(path.join(kata.dir, "package.json"));
  let vitestBin: string;
  try {
    vitestBin = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");
  } catch {
    throw new CliError(`vitest is not installed for ${kata.id}: run pnpm install first.`);
  }
  const work = mkdtempSync(path.join(tmpdir(), "kata-"));
  const out = path.join(work, "report.json");
  const args = [
    vitestBin,
    "run",
    "--reporter=json",
    `--outputFile=${out}`,
    ...(options.filter ? ["-t", options.filter] : []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, KATA_TARGET: target, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.CI;
  let log = "";
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: kata.dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve(c ?? 1);
    });
  });
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(readFileSync(out, "utf8")) as JsonReport;
  } catch {
    report = undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!report)
    return {
      target,
      tests: [],
      stages: [],
      crash: `vitest exited with ${code} and no report:\n${stripVTControlCharacters(log)}`,
    };

  const tests: TestResult[] = [];
  const crashes: string[] = [];
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0 && file.message)
      crashes.push(`${path.basename(file.name)}: ${file.message}`);
    for (const a of file.assertionResults) {
      const group = a.ancestorTitles[0] ?? path.basename(file.name);
      const stage = /^stage (\d+)/i.exec(group)?.[1];
      tests.push({
        stage: stage === undefined ? undefined : Number(stage),
        group,
        title: a.title,
        status: a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped",
        duration: a.duration ?? 0,
        failure:
          a.failureMessages[0] === undefined ? undefined : stripVTControlCharacters(a.failureMessages[0]),
      });
    }
  }
  const stages = kata.stages.map((s): StageResult => {
    const mine = tests.filter((t) => t.stage === s.stage);
    const failed = mine.filter((t) => t.status === "failed");
    const passed = mine.filter((t) => t.status === "passed").length;
    const state: StageState =
      failed.length === 0 && passed > 0
        ? "done"
        : failed.length > 0 && failed.every((t) => /TODO:/.test(t.failure ?? ""))
          ? "not started"
          : "failing";
    return {
      stage: s.stage,
      title: s.title.en,
      passed,
      failed: failed.length,
      state,
      firstFailure: failed[0],
    };
  });
  return { target, tests, stages, ...(crashes.length ? { crash: crashes.join("\n") } : {}) };
}

/** True when every stage of the kata passes. */
export function allDone(result: RunResult): boolean {
  return result.stages.length > 0 && result.stages.every((s) => s.state === "done");
}

/** The first lines of a failure message: the part that says expected vs got, without the stack. */
export function failureSummary(message: string | undefined, maxLines = 14): string {
  if (!message) return "";
  const lines = message.split("\n").filter((l) => !/^\s+at /.test(l) && !/node_modules/.test(l));
  return lines.slice(0, maxLines).join("\n");
}

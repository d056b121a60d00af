import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import type { TestResult } from "./protocol.ts";
import { type RunOutcome, Session, type SessionOptions } from "./session.ts";

/** done: every test passes; not started: every failure is a TODO the starter still holds; failing: the rest. */
export type StageState = "done" | "not started" | "failing";

/** The codes of a failure that only says "this part is still a TODO" (@tcp-katas/shared's NotDoneYet, TodoError). */
const NOT_DONE = new Set(["KATA_NOT_DONE", "KATA_TODO"]);

export interface StageTest extends TestResult {
  stage: number | undefined;
}

export interface StageResult {
  stage: number;
  passed: number;
  failed: number;
  /** False when the stage was not part of the run (kata check 04-3 3 runs stage 3 only). */
  ran: boolean;
  state: StageState;
  firstFailure: StageTest | undefined;
}

export interface RunResult extends RunOutcome {
  target: string;
  tests: StageTest[];
  stages: StageResult[];
}

const numeric = new Intl.Collator("en", { numeric: true });

/** Declaration order: the stage's files in the manifest's order, then each test's place in its file (vitest's id:
 * the file's hash, then `_0_4`). */
function declared(files: readonly string[], a: TestResult, b: TestResult): number {
  const place = (t: TestResult) => (t.id ?? "").split("_").slice(1).join("_");
  return files.indexOf(a.file) - files.indexOf(b.file) || numeric.compare(place(a), place(b));
}

export function stageOfFile(kata: Kata, file: string): number | undefined {
  return kata.stages.find((s) => s.tests.includes(file))?.stage;
}

export const isNotDone = (t: TestResult) => t.status === "failed" && NOT_DONE.has(t.code ?? "");

/** Groups a run's results by the stages of the manifest (only the stages whose files ran, when `only` is given). */
export function byStage(kata: Kata, target: string, outcome: RunOutcome, only?: number[]): RunResult {
  const tests = outcome.tests.map((t): StageTest => ({ ...t, stage: stageOfFile(kata, t.file) }));
  const stages = kata.stages.map((s): StageResult => {
    const mine = tests.filter((t) => t.stage === s.stage);
    // Tests of a file run side by side and end in any order: the first failure is the first declared.
    const failed = mine.filter((t) => t.status === "failed").sort((a, b) => declared(s.tests, a, b));
    const passed = mine.filter((t) => t.status === "passed").length;
    // A test file of the stage that could not load: its tests did not run.
    const broken = outcome.fileErrors.some((e) => s.tests.includes(e.file));
    const state: StageState =
      broken || failed.some((t) => !isNotDone(t)) || passed + failed.length === 0
        ? "failing"
        : failed.length === 0
          ? "done"
          : "not started";
    const ran = !only || only.includes(s.stage);
    return { stage: s.stage, passed, failed: failed.length, ran, state, firstFailure: failed[0] };
  });
  return { ...outcome, target, tests, stages };
}

export function allDone(result: RunResult): boolean {
  return result.stages.length > 0 && result.stages.every((s) => s.state === "done");
}

/** The first lines of a failure message: what was expected and what came, without the stack. */
export function failureSummary(message: string | undefined, maxLines = 14): string {
  if (!message) return "";
  const lines = message.split("\n").filter((l) => !/^\s+at /.test(l) && !/node_modules/.test(l));
  // "NotDoneYet [KATA_NOT_DONE]: ..." names the error for tools, and a plain "Error: " says nothing: the learner
  // reads the message itself.
  if (lines[0]) lines[0] = lines[0].replace(/^(\w+ \[KATA_[A-Z_]+\]|Error): /, "");
  return lines.slice(0, maxLines).join("\n");
}

export function stageFiles(kata: Kata, stages?: number[]): string[] {
  return kata.stages
    .filter((s) => !stages || stages.includes(s.stage))
    .flatMap((s) => s.tests.map((t) => path.join(kata.dir, t)));
}

/** Runs a kata's tests against a target once, in a vitest process of their own, and groups them by stage. */
export async function runKata(
  kata: Kata,
  target: string,
  options: Omit<SessionOptions, "target"> & { stages?: number[] } = {},
): Promise<RunResult> {
  const session = new Session(kata.dir, { ...options, target });
  try {
    return byStage(kata, target, await session.run(stageFiles(kata, options.stages)), options.stages);
  } finally {
    await session.close();
  }
}

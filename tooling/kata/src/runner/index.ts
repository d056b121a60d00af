import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import type { TestResult } from "./protocol.ts";
import { Session } from "./session.ts";
import { byStage, type RunResult } from "./stages.ts";

export interface RunOptions {
  /** Only these stages (kata check 04-3 3). */
  stages?: number[];
  env?: NodeJS.ProcessEnv;
  onTestEnd?: (result: TestResult) => void;
}

/** The test files of the given stages (every stage when none is given), as absolute paths. */
export function stageFiles(kata: Kata, stages?: number[]): string[] {
  return kata.stages
    .filter((s) => !stages || stages.includes(s.stage))
    .flatMap((s) => s.tests.map((t) => path.join(kata.dir, t)));
}

/** Runs a kata's tests against a target once, in a vitest process of their own, and groups them by stage. */
export async function runKata(kata: Kata, target: string, options: RunOptions = {}): Promise<RunResult> {
  const session = new Session(kata.dir, {
    target,
    ...(options.env ? { env: options.env } : {}),
    ...(options.onTestEnd ? { onTestEnd: options.onTestEnd } : {}),
  });
  try {
    const outcome = await session.run(stageFiles(kata, options.stages));
    return byStage(kata, target, outcome, options.stages);
  } finally {
    await session.close();
  }
}

export type { TestResult } from "./protocol.ts";
export { type RunOutcome, Session } from "./session.ts";
export {
  allDone,
  byStage,
  failureSummary,
  isNotDone,
  type RunResult,
  type StageResult,
  type StageState,
} from "./stages.ts";

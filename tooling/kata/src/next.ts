// What comes next on the learner's path: the katas in their manifests' order (kata.json's `order`, read by
// @tcp-katas/katas), and in each kata its stages in order, the bonus stages (kata.json's `bonus`) last. The board
// (`kata list`), `kata watch` without a kata and `kata hint` without a stage all ask here.
import { isBonus, type Kata } from "@tcp-katas/katas";

import { cached, runKey } from "./board-cache.ts";
import { testEnv } from "./command.ts";
import type { Ctx } from "./context.ts";
import { runKata, type RunResult } from "./runner/stages.ts";

/** A stage to work on, and whether it is a bonus (every stage on the path is done by then). */
export interface NextStage {
  stage: number;
  bonus: boolean;
}

export interface NextStep extends NextStage {
  kata: Kata;
}

/** The first stage of the result that is not done and is (or is not) a bonus. */
function firstOpen(kata: Kata, result: RunResult, bonus: boolean): number | undefined {
  return result.stages.find((s) => s.state !== "done" && isBonus(kata, s.stage) === bonus)?.stage;
}

/**
 * The stage of a kata to work on: its first stage not done that is not a bonus; once all of those are done, its
 * first bonus stage not done; undefined when every stage is done.
 */
export function nextStage(kata: Kata, result: RunResult): NextStage | undefined {
  const onPath = firstOpen(kata, result, false);
  if (onPath !== undefined) return { stage: onPath, bonus: false };
  const bonus = firstOpen(kata, result, true);
  return bonus === undefined ? undefined : { stage: bonus, bonus: true };
}

/**
 * The next step on the path over every kata (katas in path order, results in the same order): the first stage
 * not done that is not a bonus, in the first kata that has one. Bonus stages do not hold the path up: only when
 * every other stage of every kata is done is the next step a bonus, the first one not done. Undefined when all
 * are done.
 */
export function nextOnPath(katas: readonly Kata[], results: readonly RunResult[]): NextStep | undefined {
  for (const bonus of [false, true]) {
    for (const [i, kata] of katas.entries()) {
      const result = results[i];
      const stage = result && firstOpen(kata, result, bonus);
      if (stage !== undefined) return { kata, stage, bonus };
    }
  }
  return undefined;
}

/** The starter's result, from the board's store when nothing it depends on changed since the board last ran. */
async function starterResult(ctx: Ctx, kata: Kata): Promise<RunResult> {
  const env = testEnv(ctx);
  const run = () => runKata(kata, "starter", { env });
  return (await cached(ctx, kata, runKey(ctx, kata, "starter", env), run)).result;
}

/**
 * The kata to work on when none is named: the first on the path with a stage not done that is not a bonus; when
 * there is none, the first with a bonus stage not done; the last kata when every stage of every kata is done.
 * Starters are run (or read from the board's store) one kata at a time, only as far as needed.
 */
export async function firstUnfinished(ctx: Ctx): Promise<Kata> {
  const katas = ctx.katas();
  const results: RunResult[] = [];
  for (const kata of katas) {
    const result = await starterResult(ctx, kata);
    if (firstOpen(kata, result, false) !== undefined) return kata;
    results.push(result);
  }
  return nextOnPath(katas, results)?.kata ?? (katas.at(-1) as Kata);
}

/** The stage of a kata to work on (see nextStage), from the learner's starter; undefined when all pass. */
export async function firstUnfinishedStage(ctx: Ctx, kata: Kata): Promise<NextStage | undefined> {
  return nextStage(kata, await starterResult(ctx, kata));
}

// What comes next on the learner's path: the katas in their manifests' order (kata.json's `order`, read by
// @tcp-katas/katas), and in each kata its stages in order, the bonus stages (kata.json's `bonus`) last. The board
// (`kata list`), `kata watch` without a kata and `kata hint` without a stage all ask here.
import { isBonus, type Kata } from "@tcp-katas/katas";

import { starterResult } from "./board-cache.ts";
import type { Ctx } from "./context.ts";
import type { RunResult } from "./runner/stages.ts";

/** A stage to work on, and whether it is a bonus (every stage on the path is done by then). */
export interface NextStep {
  kata: Kata;
  stage: number;
  bonus: boolean;
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
      const open = results[i]?.stages.find((s) => s.state !== "done" && isBonus(kata, s.stage) === bonus);
      if (open) return { kata, stage: open.stage, bonus };
    }
  }
  return undefined;
}

/** In one kata, the same: its first stage not done that is not a bonus, else its first bonus stage not done. */
export function nextStage(kata: Kata, result: RunResult): Omit<NextStep, "kata"> | undefined {
  const step = nextOnPath([kata], [result]);
  return step && { stage: step.stage, bonus: step.bonus };
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
    const { result } = await starterResult(ctx, kata);
    if (nextStage(kata, result)?.bonus === false) return kata;
    results.push(result);
  }
  return nextOnPath(katas, results)?.kata ?? (katas.at(-1) as Kata);
}

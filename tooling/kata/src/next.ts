// What comes next on the learner's path (the katas in kata.json's `order`, the bonus stages last): the board
// (`kata list`), `kata watch` without a kata and `kata hint` without a stage all ask here.
import { isBonus, type Kata } from "@tcp-katas/katas";

import { starterResult } from "./board-cache.ts";
import type { Ctx } from "./context.ts";
import type { RunResult } from "./runner/stages.ts";

/**
 * The first stage not done that is not a bonus, over the katas in path order (`results` in the same order):
 * bonus stages do not hold the path up, so the next step is a bonus only when every other stage is done.
 * Undefined when all are done.
 */
export function nextOnPath(katas: readonly Kata[], results: readonly RunResult[]) {
  for (const bonus of [false, true]) {
    for (const [i, kata] of katas.entries()) {
      const open = results[i]?.stages.find((s) => s.state !== "done" && isBonus(kata, s.stage) === bonus);
      if (open) return { kata, stage: open.stage, bonus };
    }
  }
  return undefined;
}

/** The same in one kata. */
export function nextStage(kata: Kata, result: RunResult) {
  const step = nextOnPath([kata], [result]);
  return step && { stage: step.stage, bonus: step.bonus };
}

/**
 * The kata of the next step (the last kata when every stage is done), for when none is named. Starters are run
 * (or read from the board's store) one kata at a time, only as far as needed.
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

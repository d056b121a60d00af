import type { Kata } from "@tcp-katas/katas";

import { cached, runKey } from "./board-cache.ts";
import { testEnv } from "./command.ts";
import type { Ctx } from "./context.ts";
import { allDone, runKata, type RunResult } from "./runner/index.ts";

/** The starter's result, from the board's store when nothing it depends on changed since the board last ran. */
async function starterResult(ctx: Ctx, kata: Kata): Promise<RunResult> {
  const env = testEnv(ctx);
  const run = () => runKata(kata, "starter", { env });
  return (await cached(ctx, kata, runKey(ctx, kata, "starter", env), run)).result;
}

/** The kata to work on when none is named: the first whose starter does not pass yet (the last if all pass). */
export async function firstUnfinished(ctx: Ctx): Promise<Kata> {
  const katas = ctx.katas();
  for (const kata of katas) {
    if (!allDone(await starterResult(ctx, kata))) return kata;
  }
  return katas.at(-1) as Kata;
}

/** The first stage of a kata that the learner's starter does not pass, or undefined when all pass. */
export async function firstUnfinishedStage(ctx: Ctx, kata: Kata): Promise<number | undefined> {
  return (await starterResult(ctx, kata)).stages.find((s) => s.state !== "done")?.stage;
}

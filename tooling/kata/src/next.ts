import { testEnv } from "./command.ts";
import type { Ctx } from "./context.ts";
import type { Kata } from "./manifest.ts";
import { allDone, runKata } from "./runner/index.ts";

/** The kata to work on when none is named: the first whose starter does not pass yet (the last if all pass). */
export async function firstUnfinished(ctx: Ctx): Promise<Kata> {
  const katas = ctx.katas();
  for (const kata of katas) {
    if (!allDone(await runKata(kata, "starter", { env: testEnv(ctx) }))) return kata;
  }
  return katas.at(-1) as Kata;
}

/** The first stage of a kata that the learner's starter does not pass, or undefined when all pass. */
export async function firstUnfinishedStage(ctx: Ctx, kata: Kata): Promise<number | undefined> {
  const result = await runKata(kata, "starter", { env: testEnv(ctx) });
  return result.stages.find((s) => s.state !== "done")?.stage;
}

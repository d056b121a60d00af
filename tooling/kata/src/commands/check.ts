import { type Command, TARGET_OPTIONS, targetOf, testEnv } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { header, liveFailure, printResult } from "../report.ts";
import { runKata } from "../runner/stages.ts";
import { targetDir, targetLabel, targetValue, warnRunsAttempt } from "../target.ts";

export const check: Command = {
  name: "check",
  options: TARGET_OPTIONS,
  min: 1,
  max: 2,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const stages = positionals[1] === undefined ? undefined : [findStage(ctx, kata, positionals[1]).stage];
    const target = targetOf(ctx, values);
    const dir = targetDir(ctx, kata, target);
    if (target.impl) warnRunsAttempt(ctx, dir);
    // The header first: a failure shown while the tests run comes under it, the summary after.
    ctx.out(header(ctx, kata, targetLabel(target)));
    const live = liveFailure(ctx, kata);
    const result = await runKata(kata, targetValue(target, dir), {
      stages,
      env: testEnv(ctx),
      onTestEnd: live.onTestEnd,
    });
    return printResult(ctx, kata, result) ? 0 : 1;
  },
};

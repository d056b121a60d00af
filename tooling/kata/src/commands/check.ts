import { type Command, TARGET_OPTIONS, targetOf, testEnv } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { failureBlock, printResult } from "../report.ts";
import { isNotDone, runKata, type TestResult } from "../runner/index.ts";
import { stageOfFile } from "../runner/stages.ts";
import { targetDir, targetLabel, targetValue } from "../target.ts";

export const check: Command = {
  name: "check",
  options: TARGET_OPTIONS,
  min: 1,
  max: 2,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const stages = positionals[1] === undefined ? undefined : [findStage(ctx, kata, positionals[1]).stage];
    const target = targetOf(ctx, values);
    targetDir(ctx, kata, target);
    let shown: TestResult | undefined;
    const result = await runKata(kata, targetValue(ctx, kata, target), {
      ...(stages ? { stages } : {}),
      env: testEnv(ctx),
      // The first failure goes on screen as soon as it is known, not after the whole run.
      onTestEnd(t) {
        // A real failure goes on screen at once; a TODO waits for the summary (it only says what to do next).
        if (shown || t.status !== "failed" || isNotDone(t)) return;
        shown = t;
        ctx.out(failureBlock(ctx, kata, { ...t, stage: stageOfFile(kata, t.file) }));
        ctx.out();
      },
    });
    return printResult(ctx, kata, result, targetLabel(target), { shown }) ? 0 : 1;
  },
};

import path from "node:path";

import { type Command, TARGET_OPTIONS, targetOf } from "../command.ts";
import { findKata } from "../lookup.ts";
import { mdText } from "../md.ts";
import { programFile } from "../programs.ts";
import { targetDir, targetLabel, warnRunsAttempt } from "../target.ts";
import { traceable, traceMarkdown, traceProgram, traceText, traceTitle } from "../trace/index.ts";

/** A program against its peer from solution/, drawn as text in 100 columns, or with --md as Mermaid for a PR. */
export const trace: Command = {
  name: "trace",
  options: { ...TARGET_OPTIONS, md: { type: "boolean" } },
  min: 2,
  max: 2,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const target = targetOf(ctx, values);
    const dir = targetDir(ctx, kata, target);
    const file = programFile(ctx, kata, dir, positionals[1]);
    const pair = traceable(ctx, kata, path.basename(file));
    if (target.impl) warnRunsAttempt(ctx, dir);
    const owner = target.impl ? `${path.basename(dir)}/` : targetLabel(target);
    const traced = await traceProgram(ctx, kata, pair, dir, owner);
    if (values.md === true)
      ctx.out(traceMarkdown(ctx, traced, { heading: `### ${mdText(traceTitle(ctx, kata, traced))}` }));
    else ctx.out(traceText(ctx, kata, traced));
    return traced.recording.ended === "done" ? 0 : 1;
  },
};

import type { Command } from "../command.ts";
import { testEnv } from "../command.ts";
import type { Kata } from "../manifest.ts";
import { stageWord } from "../report.ts";
import { runKata, type RunResult } from "../runner/index.ts";

/** Runs `task` over `items`, at most `limit` at a time, results in order. */
async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const list: Command = {
  name: "list",
  min: 0,
  max: 0,
  async run(ctx) {
    const katas = ctx.katas();
    const { bold, dim, accent, ok, bad } = ctx.style;
    let finished = 0;
    ctx.progress(0, katas.length, "");
    // Two katas at a time: one vitest each, on a 2-core machine.
    const results = await pooled(katas, 2, async (kata: Kata): Promise<RunResult> => {
      const r = await runKata(kata, "starter", { env: testEnv(ctx) });
      ctx.progress(++finished, katas.length, kata.id);
      return r;
    });
    const rows: string[] = [];
    let next: string | undefined;
    let done = 0;
    let total = 0;
    for (const [i, kata] of katas.entries()) {
      const result = results[i] as RunResult;
      rows.push(`${bold(kata.id)}  ${ctx.text(kata.title)}`);
      const broken = result.crash !== undefined || result.stuck !== undefined;
      for (const s of result.stages) {
        total++;
        if (s.state === "done") done++;
        const stage = kata.stages.find((x) => x.stage === s.stage);
        const why =
          s.state === "failing" && s.firstFailure
            ? dim(` ${ctx.t("list.firstFailing", { title: s.firstFailure.title })}`)
            : "";
        rows.push(
          `  ${ctx.t("stage.label", { n: s.stage })}  ${stageWord(ctx, s).padEnd(ctx.style.color ? 21 : 12)} ${stage ? ctx.text(stage.title) : ""}${why}`,
        );
        if (!next && s.state !== "done") next = ctx.t("list.next", { id: kata.id, stage: s.stage });
      }
      if (broken) {
        rows.push(`  ${bad("✗")} ${ctx.t("list.broken", { command: accent(`pnpm kata check ${kata.id}`) })}`);
        next ??= `pnpm kata check ${kata.id}`;
      }
    }
    ctx.out(rows.join("\n"));
    ctx.out();
    ctx.out(
      `${bold(ctx.t("list.summary", { done, total }))} ${next ? `${ctx.t("list.nextLabel")} ${accent(next)}` : ok(ctx.t("list.allDone"))}`,
    );
    return 0;
  },
};

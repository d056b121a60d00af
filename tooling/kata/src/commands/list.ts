import { isBonus, type Kata } from "@tcp-katas/katas";

import { starterResult } from "../board-cache.ts";
import type { Command } from "../command.ts";
import { nextOnPath } from "../next.ts";
import { pooled } from "../pool.ts";
import { stageLook, stageTitle } from "../report.ts";
import { padColumns } from "../width.ts";

export const list: Command = {
  name: "list",
  options: { fresh: { type: "boolean" } },
  min: 0,
  max: 0,
  async run(ctx, { values }) {
    const katas = ctx.katas();
    const { bold, dim, accent, ok, bad } = ctx.style;
    let finished = 0;
    ctx.progress(0, katas.length, "");
    // Two katas at a time: one vitest each, on a 2-core machine. A kata whose inputs are unchanged since the
    // board last ran shows that run's result (--fresh runs every one).
    const results = await pooled(katas, 2, async (kata: Kata) => {
      const r = await starterResult(ctx, kata, values.fresh === true);
      ctx.progress(++finished, katas.length, kata.id);
      return { kata, ...r };
    });
    const rows: string[] = [];
    const step = nextOnPath(
      katas,
      results.map((r) => r.result),
    );
    let next = step
      ? ctx.t(step.bonus ? "list.nextBonus" : "list.next", { id: step.kata.id, stage: step.stage })
      : undefined;
    // [done, total] on the path, which leads on through the stages that are not bonuses, and of the bonus stages.
    const count: Record<"path" | "bonus", [number, number]> = { path: [0, 0], bonus: [0, 0] };
    for (const { kata, result, fromCache } of results) {
      rows.push(
        `${bold(kata.id)}  ${ctx.text(kata.title)}${fromCache ? dim(`  ${ctx.t("list.unchanged")}`) : ""}`,
      );
      for (const s of result.stages) {
        const counted = count[isBonus(kata, s.stage) ? "bonus" : "path"];
        if (s.state === "done") counted[0]++;
        counted[1]++;
        const why =
          s.state === "failing" && s.firstFailure
            ? dim(` ${ctx.t("list.firstFailing", { title: s.firstFailure.title })}`)
            : "";
        rows.push(
          `  ${ctx.t("stage.label", { n: s.stage })}  ${padColumns(stageLook(ctx, s).word, 12)} ${stageTitle(ctx, kata, s.stage)}${why}`,
        );
      }
      if (result.crash !== undefined) {
        rows.push(`  ${bad("✗")} ${ctx.t("list.broken", { command: accent(`pnpm kata check ${kata.id}`) })}`);
        next ??= `pnpm kata check ${kata.id}`;
      }
    }
    ctx.out(rows.join("\n"));
    const stored = results.filter((r) => r.fromCache).length;
    if (stored > 0)
      ctx.out(
        dim(ctx.t("list.fromStore", { n: stored, total: katas.length, command: "pnpm kata list --fresh" })),
      );
    ctx.out(
      `\n${bold(ctx.t("list.summary", { done: count.path[0], total: count.path[1] }))}${count.bonus[1] ? ` ${ctx.t("list.bonusSummary", { done: count.bonus[0], total: count.bonus[1] })}` : ""} ${next ? `${ctx.t("list.nextLabel")} ${accent(next)}` : ok(ctx.t("list.allDone"))}`,
    );
    return 0;
  },
};

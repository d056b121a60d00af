import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { isBonus } from "@tcp-katas/katas";

import { starterResult } from "../board-cache.ts";
import type { Command } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { nextStage } from "../next.ts";

/** The next hint for a stage (by default the next one on the path, see next.ts): one more on each call. */
export const hint: Command = {
  name: "hint",
  min: 1,
  max: 2,
  async run(ctx, { positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const { bold, dim, accent } = ctx.style;
    const given = positionals[1];
    const next = given !== undefined ? undefined : nextStage(kata, (await starterResult(ctx, kata)).result);
    const stage =
      given !== undefined ? findStage(ctx, kata, given) : kata.stages.find((s) => s.stage === next?.stage);
    if (!stage) {
      ctx.out(ctx.t("hint.allDone", { id: kata.id }));
      return 0;
    }
    const n = stage.stage;
    // Which hints were shown is kept in the git-ignored state folder.
    const file = path.join(ctx.stateDir, "hints.json");
    let seen: Record<string, Record<string, number>>;
    try {
      seen = JSON.parse(readFileSync(file, "utf8")) as typeof seen;
    } catch {
      seen = {};
    }
    const shown = seen[kata.id]?.[n] ?? 0;
    const last = stage.hints.length - 1;
    const h = stage.hints[Math.min(shown, last)];
    if (!h) throw new Error(`${kata.id} stage ${n} has no hints (kata.json is checked by its schema)`);
    ctx.out(
      bold(
        `${kata.id} · ${ctx.t("stage.label", { n })}: ${ctx.text(stage.title)}${isBonus(kata, n) ? ` ${ctx.t("stage.bonus")}` : ""}`,
      ) + dim(` — ${ctx.t("hint.count", { n: Math.min(shown, last) + 1, total: stage.hints.length })}`),
    );
    ctx.out(`\n  ${ctx.text(h)}\n`);
    if (shown >= last) ctx.out(dim(ctx.t("hint.last")));
    else ctx.out(dim(ctx.t("hint.again", { command: accent(`pnpm kata hint ${kata.id} ${n}`) })));
    seen[kata.id] = { ...seen[kata.id], [n]: shown + 1 };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(seen, null, 2)}\n`);
    return 0;
  },
};

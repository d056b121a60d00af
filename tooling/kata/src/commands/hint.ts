import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { isBonus } from "@tcp-katas/katas";

import type { Command } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { firstUnfinishedStage } from "../next.ts";

type Seen = Record<string, Record<string, number>>;

/**
 * The next hint for a stage (by default the first unfinished stage that is not a bonus, then the bonus ones): one
 * more on each call.
 */
export const hint: Command = {
  name: "hint",
  min: 1,
  max: 2,
  async run(ctx, { positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const { bold, dim, accent } = ctx.style;
    let n: number;
    if (positionals[1] !== undefined) n = findStage(ctx, kata, positionals[1]).stage;
    else {
      const first = await firstUnfinishedStage(ctx, kata);
      if (first === undefined) {
        ctx.out(ctx.t("hint.allDone", { id: kata.id }));
        return 0;
      }
      n = first.stage;
    }
    const stage = findStage(ctx, kata, String(n));
    // Which hints were shown is kept in the git-ignored state folder.
    const file = path.join(ctx.stateDir, "hints.json");
    let seen: Seen;
    try {
      seen = JSON.parse(readFileSync(file, "utf8")) as Seen;
    } catch {
      seen = {};
    }
    const shown = seen[kata.id]?.[String(n)] ?? 0;
    const index = Math.min(shown, stage.hints.length - 1);
    const h = stage.hints[index];
    if (!h) throw new Error(`${kata.id} stage ${n} has no hints (kata.json is checked by its schema)`);
    ctx.out(
      bold(
        `${kata.id} · ${ctx.t("stage.label", { n })}: ${ctx.text(stage.title)}${isBonus(kata, n) ? ` ${ctx.t("stage.bonus")}` : ""}`,
      ) + dim(` — ${ctx.t("hint.count", { n: index + 1, total: stage.hints.length })}`),
    );
    ctx.out(`\n  ${ctx.text(h)}\n`);
    if (shown >= stage.hints.length - 1 && index === stage.hints.length - 1) ctx.out(dim(ctx.t("hint.last")));
    else ctx.out(dim(ctx.t("hint.again", { command: accent(`pnpm kata hint ${kata.id} ${n}`) })));
    seen[kata.id] = { ...seen[kata.id], [String(n)]: shown + 1 };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(seen, null, 2)}\n`);
    return 0;
  },
};

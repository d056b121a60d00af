import type { Kata, Stage } from "@tcp-katas/katas";

import type { Ctx } from "./context.ts";
import { usageError } from "./errors.ts";

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = row[j] as number;
      row[j] = next;
    }
  }
  return row[b.length] as number;
}

/** A kata by its whole id or any unambiguous prefix or part ("04-3", "q7"); unknown ids list the katas. */
export function findKata(ctx: Ctx, query: string | undefined): Kata {
  const katas = ctx.katas();
  const list = katas.map((k) => `  ${k.id}  ${ctx.text(k.title)}`).join("\n");
  if (!query) throw usageError(ctx.t("kata.which", { list }));
  const q = query
    .toLowerCase()
    .replace(/[\\/]+$/, "")
    .replace(/^(\.[\\/])?chapters[\\/]/, "");
  const exact = katas.find((k) => k.id === q);
  if (exact) return exact;
  const matches = katas.filter(
    (k) => k.id.startsWith(q) || k.id.split("-").includes(q) || k.id.includes(`-${q}`),
  );
  if (matches.length === 1) return matches[0] as Kata;
  if (matches.length > 1)
    throw usageError(
      ctx.t("kata.ambiguous", { query, count: matches.length, ids: matches.map((k) => k.id).join(", ") }),
    );
  const best = [...katas].sort(
    (a, b) => distance(q, a.id.slice(0, q.length + 2)) - distance(q, b.id.slice(0, q.length + 2)),
  )[0];
  const hint = best ? ctx.t("kata.didYouMean", { id: best.id }) : "";
  throw usageError(ctx.t("kata.unknown", { query, hint, list }));
}

/** A stage number given on the command line, checked against the kata's stages. */
export function findStage(ctx: Ctx, kata: Kata, arg: string): Stage {
  const n = /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
  const stage = kata.stages.find((s) => s.stage === n);
  if (!stage)
    throw usageError(
      ctx.t("stage.unknown", { id: kata.id, arg, stages: kata.stages.map((s) => s.stage).join(", ") }),
    );
  return stage;
}

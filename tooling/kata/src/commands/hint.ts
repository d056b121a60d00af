import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { CliError } from "../errors.ts";
import { type Kata, stageOf, stateDir } from "../katas.ts";
import { accent, bold, dim } from "../style.ts";
import { runKata } from "../vitest-run.ts";

type Seen = Record<string, Record<string, number>>;

/** Which hints were shown is kept in .kata/hints.json at the repo root (git-ignored). */
function stateFile(): string {
  return path.join(stateDir(), "hints.json");
}

function load(): Seen {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8")) as Seen;
  } catch {
    return {};
  }
}

function save(seen: Seen): void {
  mkdirSync(path.dirname(stateFile()), { recursive: true });
  writeFileSync(stateFile(), `${JSON.stringify(seen, null, 2)}\n`);
}

/** The next hint for a stage (the first unfinished stage by default): one more on each call. */
export async function hint(kata: Kata, stageArg: string | undefined): Promise<number> {
  let n: number;
  if (stageArg !== undefined) {
    n = Number(stageArg);
    if (!Number.isInteger(n)) throw new CliError(`The stage must be a number, got "${stageArg}".`, 2);
  } else {
    const result = await runKata(kata, "starter");
    const first = result.stages.find((s) => s.state !== "done");
    if (!first) {
      console.log(`Every stage of ${kata.id} passes. Nothing to hint.`);
      return 0;
    }
    n = first.stage;
  }
  const stage = stageOf(kata, n);
  const seen = load();
  const shown = seen[kata.id]?.[String(n)] ?? 0;
  const index = Math.min(shown, stage.hints.length - 1);
  const h = stage.hints[index];
  if (!h) throw new CliError(`${kata.id} stage ${n} has no hints.`);
  console.log(
    bold(`${kata.id} · stage ${n}: ${stage.title.en}`) + dim(` — hint ${index + 1} of ${stage.hints.length}`),
  );
  console.log(`\n  ${h.en}\n  ${dim(h.ko)}\n`);
  if (shown >= stage.hints.length)
    console.log(dim("That was the last hint. The lesson (README.md / README.ko.md) has the whole story."));
  else if (index + 1 < stage.hints.length)
    console.log(dim(`Run ${accent(`pnpm kata hint ${kata.id} ${n}`)} again for the next one.`));
  seen[kata.id] = { ...seen[kata.id], [String(n)]: shown + 1 };
  save(seen);
  return 0;
}

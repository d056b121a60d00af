import type { Kata } from "../katas.ts";
import { accent, bad, bold, dim, ok, progress } from "../style.ts";
import { runKata, type StageResult } from "../vitest-run.ts";

function status(s: StageResult): string {
  if (s.state === "done") return ok("done");
  if (s.state === "not started") return dim("not started");
  return bad("failing");
}

/** The progress board: every kata and stage, for the learner's starter/. */
export async function list(katas: Kata[]): Promise<number> {
  const rows: string[] = [];
  let next: string | undefined;
  let done = 0;
  let total = 0;
  for (const [i, kata] of katas.entries()) {
    progress(i, katas.length, kata.id);
    const result = await runKata(kata, "starter");
    rows.push(`${bold(kata.id)}  ${kata.title.en} ${dim(`/ ${kata.title.ko}`)}`);
    if (result.crash && result.tests.length === 0) {
      rows.push(
        `  ${bad("✗")} the tests could not run (a syntax or import error?): ${accent(`pnpm kata check ${kata.id}`)}`,
      );
      next ??= `pnpm kata check ${kata.id}`;
      continue;
    }
    for (const s of result.stages) {
      total++;
      if (s.state === "done") done++;
      const why =
        s.state === "failing" && s.firstFailure ? dim(` first failing: ${s.firstFailure.title}`) : "";
      rows.push(`  stage ${s.stage}  ${status(s).padEnd(12)} ${s.title}${why}`);
      if (!next && s.state !== "done")
        next = `edit chapters/${kata.id}/starter, then pnpm kata check ${kata.id} (hint: pnpm kata hint ${kata.id} ${s.stage})`;
    }
  }
  progress(katas.length, katas.length, "");
  console.log(rows.join("\n"));
  console.log(
    `\n${bold(`${done}/${total} stages done.`)} ${next ? `Next: ${accent(next)}` : ok("Every stage is done. 수고하셨습니다!")}`,
  );
  return 0;
}

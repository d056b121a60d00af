import { type Kata } from "../katas.ts";
import { accent, bad, bold, dim, ok, warn } from "../style.ts";
import { failureSummary, runKata, type RunResult, targetValue } from "../vitest-run.ts";
import { targetDir } from "./run.ts";

export interface Target {
  solution?: boolean;
  impl?: string;
}

export function targetLabel(target: Target): string {
  return target.solution ? "solution/" : target.impl ? target.impl : "starter/";
}

/** The stage-by-stage summary and the first failure as expected vs got. Returns true when all passed. */
export function printResult(
  kata: Kata,
  result: RunResult,
  label: string,
  options: { focus?: boolean } = {},
): boolean {
  const out: string[] = [bold(`${kata.id}`) + dim(` against ${label}`)];
  if (result.crash && result.tests.length === 0) {
    out.push(bad("The tests could not run:"), failureSummary(result.crash, 30));
    console.log(out.join("\n"));
    return false;
  }
  let first = true;
  for (const s of result.stages) {
    const total = s.passed + s.failed;
    const mark = s.state === "done" ? ok("✓") : s.state === "not started" ? dim("·") : bad("✗");
    const count = dim(`${s.passed}/${total}`);
    out.push(`  ${mark} stage ${s.stage}: ${s.title} ${count}`);
    if (s.failed > 0 && first) {
      first = false;
      const f = s.firstFailure;
      if (f) {
        out.push(`      ${warn("first failure:")} ${f.title}`);
        out.push(
          failureSummary(f.failure, options.focus ? 24 : 14)
            .split("\n")
            .map((l) => `      ${l}`)
            .join("\n"),
        );
      }
    }
  }
  const passed = result.tests.filter((t) => t.status === "passed").length;
  const failed = result.tests.filter((t) => t.status === "failed").length;
  const all = failed === 0 && passed > 0;
  out.push(all ? ok(`All ${passed} tests pass.`) : `${bad(`${failed} failed`)}, ${ok(`${passed} passed`)}.`);
  if (!all) {
    const next = result.stages.find((s) => s.state !== "done");
    if (next) out.push(dim(`Stuck? ${accent(`pnpm kata hint ${kata.id} ${next.stage}`)}`));
  }
  console.log(out.join("\n"));
  return all;
}

export async function check(kata: Kata, target: Target): Promise<number> {
  targetDir(kata, target);
  const result = await runKata(kata, targetValue(kata, target));
  return printResult(kata, result, targetLabel(target)) ? 0 : 1;
}

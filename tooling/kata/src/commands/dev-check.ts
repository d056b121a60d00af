import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Kata } from "../katas.ts";
import { bad, bold, ok } from "../style.ts";
import { runKata } from "../vitest-run.ts";

/** A TODO fails in milliseconds; a hang only at the harness deadline (5 s). Anything slower than this is a hang. */
const FAST_MS = 4_000;

const tsFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .sort()
    : [];

/**
 * The maintainer's proof for one kata (rustlings' dev check): starter/ and solution/ hold the same files and
 * exports; every stage has hints in both languages and tests; against starter/ every stage fails, each
 * failure names its TODO, and fails fast.
 */
export async function devCheck(kata: Kata): Promise<number> {
  const problems: string[] = [];
  const starter = path.join(kata.dir, "starter");
  const solution = path.join(kata.dir, "solution");
  const a = tsFiles(starter);
  const b = tsFiles(solution);
  if (a.join() !== b.join())
    problems.push(`starter/ holds [${a.join(", ")}] but solution/ holds [${b.join(", ")}]`);
  for (const p of kata.programs)
    if (!b.includes(p.file)) problems.push(`kata.json names ${p.file}, which solution/ lacks`);
  for (const file of a.filter((f) => b.includes(f))) {
    const mine = Object.keys((await import(pathToFileURL(path.join(starter, file)).href)) as object).sort();
    const ref = Object.keys((await import(pathToFileURL(path.join(solution, file)).href)) as object).sort();
    if (mine.join() !== ref.join())
      problems.push(`${file}: starter exports [${mine.join(", ")}], solution exports [${ref.join(", ")}]`);
  }
  for (const s of kata.stages) {
    if (s.hints.length === 0) problems.push(`stage ${s.stage} has no hints`);
    for (const [i, h] of s.hints.entries())
      if (!h.en.trim() || !h.ko.trim())
        problems.push(`stage ${s.stage} hint ${i + 1} is empty in a language`);
  }

  const result = await runKata(kata, "starter");
  if (result.crash && result.tests.length === 0)
    problems.push(`the tests did not run against starter/:\n${result.crash}`);
  for (const s of result.stages) {
    const tests = result.tests.filter((t) => t.stage === s.stage);
    if (tests.length === 0)
      problems.push(`stage ${s.stage} has no tests (describe("stage ${s.stage}: ..."))`);
    else if (s.failed === 0) problems.push(`stage ${s.stage} is already solved by starter/`);
  }
  for (const t of result.tests) {
    if (t.stage === undefined)
      problems.push(
        `test "${t.group} > ${t.title}" is in no stage (its describe must start with "stage N:")`,
      );
    if (t.status === "failed" && !/TODO:/.test(t.failure ?? "")) {
      problems.push(
        `stage ${t.stage}: "${t.title}" fails on starter/ without naming a TODO:\n    ${(t.failure ?? "").split("\n")[0]}`,
      );
    }
    if (t.status === "failed" && t.duration > FAST_MS)
      problems.push(
        `stage ${t.stage}: "${t.title}" took ${Math.round(t.duration)} ms to fail (a TODO must fail fast)`,
      );
  }
  if (problems.length > 0) {
    console.log(
      `${bad("✗")} ${bold(kata.id)}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    return 1;
  }
  const failed = result.tests.filter((t) => t.status === "failed").length;
  console.log(
    `${ok("✓")} ${bold(kata.id)}: ${kata.stages.length} stages unsolved in starter/ (${failed} tests fail, each naming its TODO), same files and exports as solution/, ${kata.stages.reduce((n, s) => n + s.hints.length, 0)} hints in English and Korean.`,
  );
  return 0;
}

import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { type Kata, kataAt } from "@tcp-katas/katas";

import { type Command, testEnv } from "../command.ts";
import { committedStarter } from "../committed.ts";
import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";
import { isNotDone, runKata } from "../runner/index.ts";

/**
 * A TODO fails as soon as the test reaches it: in milliseconds in-process, a second or two for a spawned program, more
 * on a loaded machine. Failing only near vitest's test timeout (15 s) means the test waited for something first.
 * The error code (KATA_NOT_DONE, never KATA_DEADLINE) is what proves a TODO; this bound only catches the wait.
 */
const FAST_MS = 12_000;

const tsFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .sort()
    : [];

/** Every *.test.ts under test/, relative to the kata (test/wrong/ holds wrong attempts, not tests). */
function testFiles(kata: Kata): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(kata.dir, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory() && child !== "test/wrong") walk(child);
      else if (e.isFile() && e.name.endsWith(".test.ts")) out.push(child);
    }
  };
  if (existsSync(path.join(kata.dir, "test"))) walk("test");
  return out.sort();
}

/**
 * The maintainer's proof for one kata (rustlings' dev check): starter/ and solution/ hold the same files and
 * exports; every test file is in one stage; against the committed starter/ (git HEAD, so a learner's edits never
 * turn it red) every stage fails, each failure is a TODO (by its error code), and fails fast.
 */
async function devCheck(ctx: Ctx, kata: Kata): Promise<number> {
  const { bad, bold, ok } = ctx.style;
  const problems: string[] = [];
  const starter = committedStarter(kata, ctx.root) ?? path.join(kata.dir, "starter");
  const solution = path.join(kata.dir, "solution");
  const a = tsFiles(starter);
  const b = tsFiles(solution);
  if (a.join() !== b.join())
    problems.push(ctx.t("dev.files", { starter: a.join(", "), solution: b.join(", ") }));
  for (const p of kata.programs)
    if (!b.includes(p.file)) problems.push(ctx.t("dev.programMissing", { file: p.file }));
  for (const file of a.filter((f) => b.includes(f))) {
    const mine = Object.keys((await import(pathToFileURL(path.join(starter, file)).href)) as object).sort();
    const ref = Object.keys((await import(pathToFileURL(path.join(solution, file)).href)) as object).sort();
    if (mine.join() !== ref.join())
      problems.push(ctx.t("dev.exports", { file, starter: mine.join(", "), solution: ref.join(", ") }));
  }
  const listed = new Set(kata.stages.flatMap((s) => s.tests));
  for (const f of testFiles(kata)) if (!listed.has(f)) problems.push(ctx.t("dev.unlisted", { file: f }));

  const result = await runKata(kata, starter, { env: testEnv(ctx) });
  if (result.crash) problems.push(ctx.t("dev.crash", { reason: result.crash }));
  for (const e of result.fileErrors)
    problems.push(ctx.t("check.fileError", { file: e.file }) + `\n    ${e.message.split("\n")[0] ?? ""}`);
  for (const s of result.stages) {
    const tests = result.tests.filter((t) => t.stage === s.stage);
    if (tests.length === 0) problems.push(ctx.t("dev.noTests", { stage: s.stage }));
    else if (s.failed === 0) problems.push(ctx.t("dev.solved", { stage: s.stage }));
  }
  for (const t of result.tests) {
    const group = /^stage (\d+)\b/i.exec(t.group)?.[1];
    if (group === undefined || Number(group) !== t.stage)
      problems.push(ctx.t("dev.group", { file: t.file, stage: t.stage ?? "?", group: t.group }));
    if (t.status === "failed" && !isNotDone(t))
      problems.push(
        ctx.t("dev.notTodo", {
          stage: t.stage ?? "?",
          title: t.title,
          first: (t.failure ?? "").split("\n")[0] ?? "",
        }),
      );
    if (t.status === "failed" && t.duration > FAST_MS)
      problems.push(ctx.t("dev.slow", { stage: t.stage ?? "?", title: t.title, ms: Math.round(t.duration) }));
  }
  if (problems.length > 0) {
    ctx.out(
      `${bad("✗")} ${bold(kata.id)}: ${ctx.t("dev.problems", { count: problems.length })}\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    return 1;
  }
  const failed = result.tests.filter((t) => t.status === "failed").length;
  const hints = kata.stages.reduce((n, s) => n + s.hints.length, 0);
  ctx.out(`${ok("✓")} ${bold(kata.id)}: ${ctx.t("dev.ok", { stages: kata.stages.length, failed, hints })}`);
  return 0;
}

export const devCheckCommand: Command = {
  name: "dev-check",
  min: 0,
  max: 1,
  async run(ctx, { positionals }) {
    let chosen: Kata[];
    if (positionals[0] === ".") {
      const here = kataAt(ctx.katas(), ctx.io.scriptCwd ?? ctx.io.cwd) ?? kataAt(ctx.katas(), ctx.io.cwd);
      if (!here) throw usageError(ctx.t("dev.notKata", { dir: ctx.io.cwd }));
      chosen = [here];
    } else chosen = positionals[0] ? [findKata(ctx, positionals[0])] : ctx.katas();
    let code = 0;
    for (const kata of chosen) code = Math.max(code, await devCheck(ctx, kata));
    return code;
  },
};

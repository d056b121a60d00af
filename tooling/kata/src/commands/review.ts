import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import { type Command, testEnv } from "../command.ts";
import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";
import { pooled } from "../pool.ts";
import { allDone, failureSummary, runKata, type RunResult, type StageResult } from "../runner/index.ts";

interface DiffSize {
  added: number;
  removed: number;
}

/** Lines added and removed against the reference, per program file (git diff --no-index). */
function diffSize(kata: Kata, dir: string): DiffSize {
  let added = 0;
  let removed = 0;
  for (const p of kata.programs) {
    const mine = path.join(dir, p.file);
    if (!existsSync(mine)) continue;
    const out = spawnSync(
      "git",
      [
        "diff",
        "--no-index",
        "--numstat",
        "--ignore-all-space",
        path.join(kata.dir, "solution", p.file),
        mine,
      ],
      { encoding: "utf8" },
    );
    for (const line of out.stdout.split("\n")) {
      const [a, r] = line.split("\t");
      if (a && r && /^\d+$/.test(a)) {
        added += Number(a);
        removed += Number(r);
      }
    }
  }
  return { added, removed };
}

/** eslint over the attempt's program files, with the project's rules (all but the type-aware ones). */
async function lint(ctx: Ctx, kata: Kata, dir: string): Promise<string[]> {
  const files = kata.programs.map((p) => p.file).filter((f) => existsSync(path.join(dir, f)));
  if (files.length === 0) return [];
  const require = createRequire(path.join(kata.dir, "package.json"));
  let bin: string;
  let config: string;
  try {
    bin = path.join(path.dirname(require.resolve("eslint/package.json")), "bin/eslint.js");
    config = require.resolve("@tcp-katas/eslint-config/review");
  } catch {
    return [ctx.t("review.noEslint")];
  }
  // ESLint only lints files below its working folder, so it runs from the attempt folder. It exits 1 when it
  // found problems: its report is on stdout either way.
  const out = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [bin, "--config", config, "--format", "json", ...files],
      { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
      (_err, stdout, stderr) => resolve({ stdout, stderr }),
    ),
  );
  try {
    const results = JSON.parse(out.stdout) as {
      filePath: string;
      messages: { line: number; ruleId: string | null; message: string }[];
    }[];
    return results.flatMap((r) =>
      r.messages.map(
        (m) => `${path.relative(dir, r.filePath)}:${m.line} ${m.message}${m.ruleId ? ` (${m.ruleId})` : ""}`,
      ),
    );
  } catch {
    return [ctx.t("review.eslintFailed", { reason: out.stderr.trim().split("\n")[0] ?? "" })];
  }
}

const fence = (text: string) => `\`\`\`text\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``;

function cell(ctx: Ctx, s: StageResult): string {
  return s.state === "done" ? `✅ ${ctx.t("review.pass")}` : `❌ ${ctx.t("review.fail")}`;
}

function single(
  ctx: Ctx,
  kata: Kata,
  label: string,
  result: RunResult,
  lintFindings: string[],
  size: DiffSize,
): string {
  const out: string[] = [
    `## ${ctx.t("review.title", { id: kata.id })} — \`${label}\``,
    "",
    `| ${ctx.t("review.stage")} | ${ctx.t("review.result")} | ${ctx.t("review.testsPassed")} |`,
    "|---|---|---|",
  ];
  for (const s of result.stages) {
    const stage = kata.stages.find((x) => x.stage === s.stage);
    out.push(
      `| ${s.stage}. ${stage ? ctx.text(stage.title) : ""} | ${cell(ctx, s)} | ${s.passed}/${s.passed + s.failed} |`,
    );
  }
  const failures = result.tests.filter((t) => t.status === "failed");
  out.push("", `### ${ctx.t("review.failures", { count: failures.length })}`, "");
  const problems = [
    ...result.fileErrors.map((e) => `${e.file}: ${e.message}`),
    ...(result.crash ? [result.crash] : []),
  ];
  for (const p of problems) out.push(fence(failureSummary(p, 30)));
  if (failures.length === 0 && problems.length === 0) out.push(ctx.t("review.none"));
  for (const f of failures.slice(0, 10)) {
    out.push(
      `<details><summary>${ctx.t("stage.label", { n: f.stage ?? "?" })} · ${f.title}</summary>`,
      "",
      fence(failureSummary(f.failure, 20)),
      "",
      "</details>",
    );
  }
  if (failures.length > 10) out.push(ctx.t("review.more", { count: failures.length - 10 }));
  out.push(
    "",
    `### ${ctx.t("review.lint", { count: lintFindings.length })}`,
    "",
    ...(lintFindings.length ? lintFindings.map((l) => `- ${l}`) : [ctx.t("review.clean")]),
  );
  out.push(
    "",
    `### ${ctx.t("review.size")}`,
    "",
    ctx.t("review.sizeLine", { added: size.added, removed: size.removed }),
  );
  return out.join("\n");
}

/** The folders under root that hold an attempt at this kata (any of its program files). */
function attempts(kata: Kata, root: string): string[] {
  return readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => statSync(d).isDirectory() && kata.programs.some((p) => existsSync(path.join(d, p.file))))
    .sort();
}

/** A Markdown report to paste into a pull request: one attempt in detail, or every attempt under a folder. */
export const review: Command = {
  name: "review",
  options: { impl: { type: "string" }, all: { type: "string" } },
  min: 1,
  max: 1,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const impl = typeof values.impl === "string" ? values.impl : undefined;
    const all = typeof values.all === "string" ? values.all : undefined;
    if (impl && all) throw usageError(ctx.t("review.both"));
    if (all) {
      const root = path.resolve(ctx.io.cwd, all);
      if (!existsSync(root)) throw usageError(ctx.t("target.missing", { dir: root }));
      const dirs = attempts(kata, root);
      if (dirs.length === 0) throw usageError(ctx.t("review.noAttempts", { id: kata.id, root }));
      const head = [
        ctx.t("review.attempt"),
        ...kata.stages.map((s) => ctx.t("stage.label", { n: s.stage })),
        ctx.t("review.lintColumn"),
        ctx.t("review.deltaColumn"),
      ];
      const rows = [
        `## ${ctx.t("review.title", { id: kata.id })} — ${ctx.t("review.everyAttempt", { root: `\`${all}\`` })}`,
        "",
        `| ${head.join(" | ")} |`,
        `|${head.map(() => "---").join("|")}|`,
      ];
      // Two attempts at a time (a study group's folder holds many): each runs in a vitest of its own.
      const results = await pooled(dirs, 2, async (dir) => {
        const [result, problems] = await Promise.all([
          runKata(kata, dir, { env: testEnv(ctx) }),
          lint(ctx, kata, dir),
        ]);
        return { result, problems };
      });
      for (const [i, dir] of dirs.entries()) {
        const { result, problems } = results[i] as { result: RunResult; problems: string[] };
        const size = diffSize(kata, dir);
        rows.push(
          `| ${path.basename(dir)} | ${result.stages.map((s) => cell(ctx, s)).join(" | ")} | ${problems.length} | +${size.added}/−${size.removed} |`,
        );
      }
      ctx.out(rows.join("\n"));
      return results.every((r) => allDone(r.result)) ? 0 : 1;
    }
    if (!impl) throw usageError(ctx.t("review.needImpl"));
    const dir = path.resolve(ctx.io.cwd, impl);
    if (!existsSync(dir)) throw usageError(ctx.t("target.missing", { dir }));
    const [result, problems] = await Promise.all([
      runKata(kata, dir, { env: testEnv(ctx) }),
      lint(ctx, kata, dir),
    ]);
    ctx.out(single(ctx, kata, impl, result, problems, diffSize(kata, dir)));
    return allDone(result) ? 0 : 1;
  },
};

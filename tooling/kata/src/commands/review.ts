import { execFile, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

import type { Kata } from "@tcp-katas/katas";
import type { ESLint } from "eslint";

import { type Command, testEnv } from "../command.ts";
import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";
import { fenced, mdCalls, mdCode, mdText } from "../md.ts";
import { pooled } from "../pool.ts";
import { failureParts } from "../report.ts";
import { allDone, failureSummary, runKata, type RunResult, type StageResult } from "../runner/stages.ts";
import { targetDir, warnRunsAttempt } from "../target.ts";
import { firstDifference, traceable, type Traced, traceMarkdown, traceProgram } from "../trace/index.ts";

/** An attempt's results: its tests, its lint findings and its size against the reference. */
interface Assessed {
  dir: string;
  result: RunResult;
  findings: string[];
  /** Undefined when git, which measures it, could not run. */
  size: { added: number; removed: number } | undefined;
}

/** Lines added and removed against the reference, per program file (git diff --no-index). */
function diffSize(ctx: Ctx, kata: Kata, dir: string): Assessed["size"] {
  const size = { added: 0, removed: 0 };
  for (const p of kata.programs) {
    const mine = path.join(dir, p.file);
    if (!existsSync(mine)) continue;
    const reference = path.join(kata.dir, "solution", p.file);
    const diff = ["diff", "--no-index", "--numstat", "--ignore-all-space", reference, mine];
    const { stdout, error } = spawnSync("git", diff, { encoding: "utf8", env: ctx.io.env });
    if (error) return undefined;
    for (const [, a, r] of stdout.matchAll(/^(\d+)\t(\d+)\t/gm)) {
      size.added += Number(a);
      size.removed += Number(r);
    }
  }
  return size;
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
  const out = await promisify(execFile)(
    process.execPath,
    [bin, "--config", config, "--format", "json", ...files],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  ).catch((err: { stdout: string; stderr: string }) => err);
  try {
    return (JSON.parse(out.stdout) as ESLint.LintResult[]).flatMap((r) =>
      r.messages.map(
        (m) => `${path.relative(dir, r.filePath)}:${m.line} ${m.message}${m.ruleId ? ` (${m.ruleId})` : ""}`,
      ),
    );
  } catch {
    return [ctx.t("review.eslintFailed", { reason: out.stderr.trim().split("\n")[0] ?? "" })];
  }
}

function cell(ctx: Ctx, s: StageResult): string {
  return s.state === "done" ? `✅ ${ctx.t("review.pass")}` : `❌ ${ctx.t("review.fail")}`;
}

function single(
  ctx: Ctx,
  kata: Kata,
  label: string,
  { result, findings, size }: Assessed,
  diagrams: string[],
): string {
  const out: string[] = [
    `## ${mdText(ctx.t("review.title", { id: kata.id }))} — ${mdCode(label)}`,
    "",
    `| ${ctx.t("review.stage")} | ${ctx.t("review.result")} | ${ctx.t("review.testsPassed")} |`,
    "|---|---|---|",
  ];
  for (const s of result.stages) {
    const stage = kata.stages.find((x) => x.stage === s.stage);
    out.push(
      `| ${s.stage}. ${stage ? mdText(ctx.text(stage.title)) : ""} | ${cell(ctx, s)} | ${s.passed}/${s.passed + s.failed} |`,
    );
  }
  const failures = result.tests.filter((t) => t.status === "failed");
  out.push("", `### ${ctx.t("review.failures", { count: failures.length })}`, "");
  const problems = [
    ...result.fileErrors.map((e) => `${e.file}: ${e.message}`),
    ...(result.crash ? [result.crash] : []),
  ];
  for (const p of problems) out.push(fenced(failureSummary(p, 30)));
  if (failures.length === 0 && problems.length === 0) out.push(ctx.t("review.none"));
  for (const f of failures.slice(0, 10)) {
    const { where, summary } = failureParts(ctx, f, 20);
    out.push(
      `<details><summary>${mdText(`${ctx.t("stage.label", { n: f.stage ?? "?" })} · ${f.title}`)}</summary>`,
      "",
      ...(where ? [mdCalls(where), ""] : []),
      fenced(summary),
      "",
      "</details>",
    );
  }
  if (failures.length > 10) out.push(ctx.t("review.more", { count: failures.length - 10 }));
  out.push(
    "",
    `### ${ctx.t("review.lint", { count: findings.length })}`,
    "",
    ...(findings.length ? findings.map((l) => `- ${mdText(l)}`) : [ctx.t("review.clean")]),
    "",
    `### ${ctx.t("review.size")}`,
    "",
    size ? ctx.t("review.sizeLine", { added: size.added, removed: size.removed }) : ctx.t("review.sizeNoGit"),
  );
  if (diagrams.length > 0) out.push("", `### ${ctx.t("review.diagrams")}`, "", diagrams.join("\n\n"));
  return out.join("\n");
}

/**
 * For each server and client program the attempt has: the reference's diagram (solution/ against its peer),
 * then the attempt's (its program against the same peer), with its first difference from the reference marked.
 */
async function diagrams(ctx: Ctx, kata: Kata, dir: string): Promise<string[]> {
  const programs = kata.programs.filter(
    (p) => (p.role === "server" || p.role === "client") && existsSync(path.join(dir, p.file)),
  );
  const traced = await pooled(programs, 2, async (p) => {
    const pair = traceable(ctx, kata, p.file);
    const reference = await traceProgram(ctx, kata, pair, path.join(kata.dir, "solution"), "solution/");
    const mine = await traceProgram(ctx, kata, pair, dir, "attempt");
    return { reference, mine, peer: pair.peer };
  });
  return traced.map(({ reference, mine, peer }) => {
    const role = mine.program.role === "server" ? "server" : "client";
    const names = { program: mdCode(mine.program.file), peer: mdCode(peer.file) };
    const diff = firstDifference(mine.steps, reference.steps, role);
    const shown = (step: Traced["steps"][number] | undefined) =>
      step ? mdCode(step.label) : mdText(ctx.t("review.nothing"));
    const verdict = diff
      ? ctx.t("review.firstDifference", {
          program: names.program,
          n:
            mine.steps.slice(0, diff.index).filter((s) => s.from === role && (!s.wait || s.stuck)).length + 1,
          mine: shown(diff.mine),
          reference: shown(diff.reference),
        })
      : ctx.t("review.sameCalls", { program: names.program });
    const note = ctx.t("review.diffNote", { reference: diff?.reference?.label ?? ctx.t("review.nothing") });
    return [
      traceMarkdown(ctx, reference, { heading: `#### ${ctx.t("review.reference", names)}` }),
      "",
      traceMarkdown(ctx, mine, {
        heading: `#### ${ctx.t("review.yours", names)}\n\n${verdict}`,
        ...(diff ? { mark: { index: diff.index, note } } : {}),
      }),
    ].join("\n");
  });
}

/** "04-3" for "04-3-iterative-echo": the short id a study group names its folders by. */
const shortId = (id: string) => id.split("-").slice(0, 2).join("-");
/** How deep under ROOT attempts are looked for (ROOT/<member>/<kata>/ is 2). */
const MAX_DEPTH = 6;

/** An attempt's row: its path under ROOT with / on every system ("alice/04-3"), or "." for ROOT itself. */
function rowName(root: string, dir: string): string {
  return path.relative(root, dir).split(path.sep).join("/") || ".";
}

/**
 * The folders under root, at any depth, that hold an attempt at this kata: a folder with at least one of its
 * program files, by name (not searched further). Hidden folders, node_modules, symbolic links and folders named
 * after another kata (alice/04-2/ when reviewing 04-3) are not searched.
 */
function attempts(ctx: Ctx, kata: Kata, root: string): string[] {
  const names = new Set(kata.programs.map((p) => p.file));
  const mine = [kata.id, shortId(kata.id)];
  const ids = ctx.katas().flatMap((k) => [k.id, shortId(k.id)]);
  const others = new Set(ids.filter((id) => !mine.includes(id)));
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && names.has(e.name))) {
      found.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries)
      if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules" && !others.has(e.name))
        walk(path.join(dir, e.name), depth + 1);
  };
  walk(root, 0);
  return found.sort((a, b) => rowName(root, a).localeCompare(rowName(root, b), "en"));
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
    const given = all || impl;
    if (!given) throw usageError(ctx.t("review.needImpl"));
    const root = targetDir(ctx, kata, { impl: given });
    const dirs = all ? attempts(ctx, kata, root) : [root];
    if (dirs.length === 0) throw usageError(ctx.t("review.noAttempts", { id: kata.id, root }));
    warnRunsAttempt(ctx, root);
    // Two attempts at a time (a study group's folder holds many): each runs in a vitest of its own.
    const assessed = await pooled(dirs, 2, async (dir): Promise<Assessed> => {
      const [result, findings] = await Promise.all([
        runKata(kata, dir, { env: testEnv(ctx) }),
        lint(ctx, kata, dir),
      ]);
      return { dir, result, findings, size: diffSize(ctx, kata, dir) };
    });
    if (!all) ctx.out(single(ctx, kata, given, assessed[0] as Assessed, await diagrams(ctx, kata, root)));
    else {
      const head = [
        ctx.t("review.attempt"),
        ...kata.stages.map((s) => ctx.t("stage.label", { n: s.stage })),
        ctx.t("review.lintColumn"),
        ctx.t("review.deltaColumn"),
      ];
      const rows = assessed.map(
        ({ dir, result, findings, size }) =>
          `| ${mdText(rowName(root, dir))} | ${result.stages.map((s) => cell(ctx, s)).join(" | ")} | ${findings.length} | ${size ? `+${size.added}/−${size.removed}` : "?"} |`,
      );
      ctx.out(
        [
          `## ${mdText(ctx.t("review.title", { id: kata.id }))} — ${ctx.t("review.everyAttempt", { root: mdCode(all) })}`,
          "",
          `| ${head.join(" | ")} |`,
          `|${head.map(() => "---").join("|")}|`,
          ...rows,
        ].join("\n"),
      );
    }
    return assessed.every((a) => allDone(a.result)) ? 0 : 1;
  },
};

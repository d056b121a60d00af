import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { CliError } from "../errors.ts";
import type { Kata } from "../katas.ts";
import { allDone, failureSummary, runKata, type RunResult, type StageResult } from "../vitest-run.ts";

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
    const ref = path.join(kata.dir, "solution", p.file);
    if (!existsSync(mine)) continue;
    const out = spawnSync("git", ["diff", "--no-index", "--numstat", "--ignore-all-space", ref, mine], {
      encoding: "utf8",
    });
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
function lint(kata: Kata, dir: string): string[] {
  const files = kata.programs.map((p) => p.file).filter((f) => existsSync(path.join(dir, f)));
  if (files.length === 0) return [];
  const require = createRequire(path.join(kata.dir, "package.json"));
  let bin: string;
  let config: string;
  try {
    bin = path.join(path.dirname(require.resolve("eslint/package.json")), "bin/eslint.js");
    config = require.resolve("@tcp-katas/eslint-config/review");
  } catch {
    return ["eslint is not installed (pnpm install)"];
  }
  // ESLint only lints files below its working folder, so it runs from the attempt folder.
  const out = spawnSync(process.execPath, [bin, "--config", config, "--format", "json", ...files], {
    cwd: dir,
    encoding: "utf8",
  });
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
    return [`eslint could not run: ${out.stderr.trim().split("\n")[0] ?? ""}`];
  }
}

const cell = (s: StageResult) => (s.state === "done" ? "✅ pass" : "❌ fail");

function fence(text: string): string {
  return `\`\`\`text\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``;
}

function single(
  kata: Kata,
  label: string,
  result: RunResult,
  lintFindings: string[],
  size: DiffSize,
): string {
  const out: string[] = [
    `## Kata review: ${kata.id} — \`${label}\``,
    "",
    "| Stage | Result | Tests passed |",
    "|---|---|---|",
  ];
  for (const s of result.stages)
    out.push(`| ${s.stage}. ${s.title} | ${cell(s)} | ${s.passed}/${s.passed + s.failed} |`);
  const failures = result.tests.filter((t) => t.status === "failed");
  out.push("", `### Failures (${failures.length})`, "");
  if (result.crash && result.tests.length === 0) out.push(fence(failureSummary(result.crash, 30)));
  if (failures.length === 0 && !result.crash) out.push("None.");
  for (const f of failures.slice(0, 10)) {
    out.push(
      `<details><summary>stage ${f.stage ?? "?"} · ${f.title}</summary>`,
      "",
      fence(failureSummary(f.failure, 20)),
      "",
      "</details>",
    );
  }
  if (failures.length > 10) out.push(`…and ${failures.length - 10} more.`);
  out.push(
    "",
    `### Lint (${lintFindings.length})`,
    "",
    ...(lintFindings.length ? lintFindings.map((l) => `- ${l}`) : ["Clean."]),
  );
  out.push(
    "",
    "### Size of the change against the reference",
    "",
    `+${size.added} / −${size.removed} lines (whitespace ignored).`,
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
export async function review(kata: Kata, impl: string | undefined, all: string | undefined): Promise<number> {
  if (all) {
    const root = path.resolve(all);
    if (!existsSync(root)) throw new CliError(`The folder ${root} does not exist.`, 2);
    const dirs = attempts(kata, root);
    if (dirs.length === 0)
      throw new CliError(`No attempt at ${kata.id} under ${root} (no folder holds its program files).`, 2);
    const head = ["Attempt", ...kata.stages.map((s) => `Stage ${s.stage}`), "Lint", "Δ lines"];
    const rows = [
      `## Kata review: ${kata.id} — every attempt under \`${all}\``,
      "",
      `| ${head.join(" | ")} |`,
      `|${head.map(() => "---").join("|")}|`,
    ];
    let allPass = true;
    for (const dir of dirs) {
      const result = await runKata(kata, dir);
      const size = diffSize(kata, dir);
      allPass &&= allDone(result);
      rows.push(
        `| ${path.basename(dir)} | ${result.stages.map(cell).join(" | ")} | ${lint(kata, dir).length} | +${size.added}/−${size.removed} |`,
      );
    }
    console.log(rows.join("\n"));
    return allPass ? 0 : 1;
  }
  if (!impl) throw new CliError("review needs --impl DIR (an attempt folder) or --all ROOT.", 2);
  const dir = path.resolve(impl);
  if (!existsSync(dir)) throw new CliError(`The folder ${dir} does not exist.`, 2);
  const result = await runKata(kata, dir);
  console.log(single(kata, impl, result, lint(kata, dir), diffSize(kata, dir)));
  return allDone(result) ? 0 : 1;
}

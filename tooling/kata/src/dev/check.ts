import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { faultFiles, FAULTS_DIR } from "@tcp-katas/faults/plan";
import type { Kata } from "@tcp-katas/katas";
import { exportsOf } from "@tcp-katas/shared/boundary";
import { glossaryProblems } from "@tcp-katas/shared/i18n";

import type { Ctx } from "../context.ts";
import { Session } from "../runner/session.ts";
import { isNotDone, runKata } from "../runner/stages.ts";

/**
 * A TODO fails as soon as the test reaches it: in milliseconds for a program behind the boundary, more on a loaded
 * machine. Failing only near vitest's test timeout (15 s) means the test waited for something first. The error
 * code (KATA_NOT_DONE, never KATA_DEADLINE) is what proves a TODO; this bound only catches the wait.
 */
const FAST_MS = 12_000;

/** The checks read the tests' English titles ("stage N: ...", a wrong attempt's `catches`). */
const ENGLISH = { KATA_LANG: "en" };

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0] ?? "";

const tsFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .sort()
    : [];

/** Every *.test.ts under test/, relative to the kata (test/wrong/ holds wrong attempts, not tests). */
function testFiles(kata: Kata): string[] {
  const dir = path.join(kata.dir, "test");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => `test/${f.split(path.sep).join("/")}`)
    .filter((f) => f.endsWith(".test.ts") && !f.startsWith("test/wrong/"))
    .sort();
}

/** starter/ and solution/ hold the same files with the same exports, and every test file is in one stage. */
function layoutProblems(ctx: Ctx, kata: Kata, starter: string): string[] {
  const problems: string[] = [];
  const solution = path.join(kata.dir, "solution");
  const a = tsFiles(starter);
  const b = tsFiles(solution);
  if (a.join() !== b.join())
    problems.push(ctx.t("dev.files", { starter: a.join(", "), solution: b.join(", ") }));
  for (const p of kata.programs)
    if (!b.includes(p.file)) problems.push(ctx.t("dev.programMissing", { file: p.file }));
  for (const file of a.filter((f) => b.includes(f))) {
    try {
      const mine = exportsOf(path.join(starter, file), kata.dir);
      const ref = exportsOf(path.join(solution, file), kata.dir);
      if (mine.join() !== ref.join())
        problems.push(ctx.t("dev.exports", { file, starter: mine.join(", "), solution: ref.join(", ") }));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const listed = new Set(kata.stages.flatMap((s) => s.tests));
  for (const f of testFiles(kata)) if (!listed.has(f)) problems.push(ctx.t("dev.unlisted", { file: f }));
  return problems;
}

/**
 * Every file a Korean learner reads in the kata in the course's terms (shared's GLOSSARY.md), with no particle
 * fallback after a placeholder.
 */
function glossaryOf(kata: Kata): string[] {
  const problems: string[] = [];
  const files = ["README.ko.md", "kata.json", ...testFiles(kata), "test/helpers.ts"]
    .concat(tsFiles(path.join(kata.dir, "starter")).map((f) => `starter/${f}`))
    .filter((f) => existsSync(path.join(kata.dir, f)));
  for (const file of files) {
    const text = readFileSync(path.join(kata.dir, file), "utf8");
    for (const p of glossaryProblems(text)) problems.push(`${file}: ${p}`);
    for (const m of text.match(/\}(을\(를\)|이\(가\)|은\(는\)|\(으\)로|와\(과\))/g) ?? [])
      problems.push(`${file}: "${m}" (put a noun after the placeholder)`);
  }
  return problems;
}

/** simple-import-sort's order for the names of one import: case-insensitive, numbers by value. */
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** The lessons' import lines as the project's lint would have them: names sorted (a learner copies them). */
function lessonImports(kata: Kata): string[] {
  const problems: string[] = [];
  for (const file of ["README.md", "README.ko.md"]) {
    const full = path.join(kata.dir, file);
    if (!existsSync(full)) continue;
    for (const m of readFileSync(full, "utf8").matchAll(/import \{([^}]*)\} from "([^"]+)"/g)) {
      const names = (m[1] ?? "")
        .split(",")
        .map((n) => n.trim().replace(/^type /, ""))
        .filter(Boolean);
      const sorted = [...names].sort(collator.compare);
      if (names.join() !== sorted.join())
        problems.push(
          `${file}: import { ${names.join(", ")} } from "${m[2] ?? ""}": the lint sorts it { ${sorted.join(", ")} }`,
        );
    }
  }
  return problems;
}

const git = (args: string[], cwd: string) =>
  execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });

/**
 * The kata's starter/ as committed (git HEAD), copied into <kata>/.kata/committed-starter (git-ignored), so the
 * proof that a starter is unsolved never looks at the learner's edits. Inside the kata folder, its imports resolve
 * as the real starter's do. Undefined when there is no git checkout to read it from.
 */
function committedStarter(kata: Kata, root: string): string | undefined {
  const rel = path.relative(root, path.join(kata.dir, "starter")).split(path.sep).join("/");
  let files: string[];
  try {
    files = git(["ls-tree", "-r", "--name-only", "HEAD", "--", `${rel}/`], root)
      .toString("utf8")
      .split("\n")
      .filter(Boolean);
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const out = path.join(kata.dir, ".kata", "committed-starter");
  rmSync(out, { recursive: true, force: true });
  for (const file of files) {
    const to = path.join(out, path.relative(rel, file));
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, git(["show", `HEAD:${file}`], root));
  }
  return out;
}

/** Against the committed starter every stage fails, each failure is a TODO (by its error code), and fast. */
async function starterProblems(ctx: Ctx, kata: Kata, starter: string) {
  const problems: string[] = [];
  const result = await runKata(kata, starter, { env: ENGLISH });
  if (result.crash) problems.push(ctx.t("dev.crash", { reason: result.crash }));
  for (const e of result.fileErrors)
    problems.push(ctx.t("check.fileError", { file: e.file }) + `\n    ${firstLine(e.message)}`);
  for (const s of result.stages) {
    const tests = result.tests.filter((t) => t.stage === s.stage);
    if (tests.length === 0) problems.push(ctx.t("dev.noTests", { stage: s.stage }));
    else if (s.failed === 0) problems.push(ctx.t("dev.solved", { stage: s.stage }));
  }
  for (const t of result.tests) {
    const [stage, title] = [t.stage ?? "?", t.title];
    const group = /^stage (\d+)\b/i.exec(t.group)?.[1];
    if (group === undefined || Number(group) !== t.stage)
      problems.push(ctx.t("dev.group", { file: t.file, stage, group: t.group }));
    if (t.status === "passed") problems.push(ctx.t("dev.passes", { stage, title }));
    if (t.status === "failed" && !isNotDone(t))
      problems.push(ctx.t("dev.notTodo", { stage, title, first: firstLine(t.failure) }));
    if (t.status === "failed" && t.duration > FAST_MS)
      problems.push(ctx.t("dev.slow", { stage, title, ms: Math.round(t.duration) }));
  }
  return { problems, failed: result.tests.filter((t) => t.status === "failed").length };
}

/**
 * The wrong attempts a kata keeps under test/wrong/<name>/wrong.json: learners' bugs that once passed a stage
 * (`stage`, the bug in a sentence as `why`, part of the English title of a test that must fail as `catches`),
 * each as edits of the solution (find this exact text in that solution file, put that instead).
 */
interface WrongAttempt {
  name: string;
  stage: number;
  why: string;
  catches?: string;
  edits?: { file: string; find: string; replace: string }[];
}

function wrongAttempts(kata: Kata): WrongAttempt[] {
  const root = path.join(kata.dir, "test", "wrong");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, "wrong.json")))
    .map((e) => ({
      ...(JSON.parse(readFileSync(path.join(root, e.name, "wrong.json"), "utf8")) as WrongAttempt),
      name: e.name,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The attempt as a folder of its own under the kata's git-ignored .kata/: solution/ with its edits made; or why it
 * cannot be made (an edit whose text is not in the solution exactly once: the solution changed under it).
 */
function materialize(kata: Kata, attempt: WrongAttempt): { dir: string } | { problem: string } {
  const edits = attempt.edits ?? [];
  if (edits.length === 0) return { problem: `${attempt.name}: wrong.json has no edits` };
  const dir = path.join(kata.dir, ".kata", "wrong", attempt.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(kata.dir, "solution"), dir, { recursive: true });
  for (const edit of edits) {
    const file = path.join(dir, edit.file);
    if (!existsSync(file)) return { problem: `${attempt.name}: ${edit.file} is not a file of solution/` };
    const parts = readFileSync(file, "utf8").split(edit.find);
    if (parts.length !== 2)
      return {
        problem: `${attempt.name}: ${edit.file} holds the text to replace ${parts.length - 1} times, not once: ${JSON.stringify(edit.find.slice(0, 60))}`,
      };
    writeFileSync(file, parts.join(edit.replace));
  }
  return { dir };
}

/** Each wrong attempt fails its stage, for a reason of its own (not a TODO, not a missing file), in the test named. */
async function wrongProblems(ctx: Ctx, kata: Kata): Promise<{ problems: string[]; count: number }> {
  const problems: string[] = [];
  const attempts = wrongAttempts(kata);
  for (const attempt of attempts) {
    const made = materialize(kata, attempt);
    if ("problem" in made) {
      problems.push(made.problem);
      continue;
    }
    const { name, stage, why, catches } = attempt;
    const result = await runKata(kata, made.dir, { stages: [stage], env: ENGLISH });
    const failed = result.tests.filter((t) => t.status === "failed");
    const names = failed.map((t) => `${t.group} > ${t.title}`);
    if (result.crash || result.fileErrors.length > 0)
      problems.push(
        ctx.t("dev.wrongBroken", { name, reason: result.crash ?? result.fileErrors[0]?.message ?? "" }),
      );
    else if (failed.length === 0) problems.push(ctx.t("dev.wrongPasses", { name, stage, why }));
    else if (
      failed.some((t) => isNotDone(t) || /does not exist: every kata target needs/.test(t.failure ?? ""))
    )
      problems.push(ctx.t("dev.wrongReason", { name }));
    else if (catches !== undefined && !names.some((n) => n.includes(catches)))
      problems.push(ctx.t("dev.wrongTest", { name, catches, failed: names.join("; ") }));
  }
  return { problems, count: attempts.length };
}

/** The fault suite (@tcp-katas/faults) against this kata's solution: every test passes. */
async function faultProblems(ctx: Ctx, kata: Kata): Promise<{ problems: string[]; count: number }> {
  const files = faultFiles(kata);
  if (files.length === 0) return { problems: [], count: 0 };
  const session = new Session(FAULTS_DIR, { target: "solution", env: { ...ENGLISH, FAULTS_KATA: kata.dir } });
  try {
    const outcome = await session.run(files);
    const problems = [
      ...(outcome.crash ? [ctx.t("dev.crash", { reason: outcome.crash })] : []),
      ...outcome.fileErrors.map((e) => `${e.file}: ${firstLine(e.message)}`),
      ...outcome.tests
        .filter((t) => t.status === "failed")
        .map((t) => ctx.t("dev.fault", { title: `${t.group} > ${t.title}`, first: firstLine(t.failure) })),
    ];
    return { problems, count: outcome.tests.length };
  } finally {
    await session.close();
  }
}

/** The maintainer's proof for one kata (rustlings' dev check), one line when it holds, every problem when not. */
export async function devCheck(ctx: Ctx, kata: Kata): Promise<number> {
  const { bad, bold, ok } = ctx.style;
  const starter = committedStarter(kata, ctx.root) ?? path.join(kata.dir, "starter");
  const layout = [...layoutProblems(ctx, kata, starter), ...glossaryOf(kata), ...lessonImports(kata)];
  const unsolved = await starterProblems(ctx, kata, starter);
  const wrong = await wrongProblems(ctx, kata);
  const faults = await faultProblems(ctx, kata);
  const problems = [...layout, ...unsolved.problems, ...wrong.problems, ...faults.problems];
  if (problems.length > 0) {
    ctx.out(
      `${bad("✗")} ${bold(kata.id)}: ${ctx.t("dev.problems", { count: problems.length })}\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    return 1;
  }
  const hints = kata.stages.reduce((n, s) => n + s.hints.length, 0);
  ctx.out(
    `${ok("✓")} ${bold(kata.id)}: ${ctx.t("dev.ok", { stages: kata.stages.length, failed: unsolved.failed, hints, wrong: wrong.count, faults: faults.count })}`,
  );
  return 0;
}

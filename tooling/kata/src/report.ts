import type { Kata } from "@tcp-katas/katas";

import type { Ctx } from "./context.ts";
import {
  failureSummary,
  isNotDone,
  type RunResult,
  type StageResult,
  type TestResult,
} from "./runner/index.ts";
import { stageOfFile } from "./runner/stages.ts";

const indent = (text: string, by = "      ") =>
  text
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");

/** The first line of a run's report: which kata, against what. */
export function header(ctx: Ctx, kata: Kata, label: string): string {
  return ctx.style.bold(kata.id) + ctx.style.dim(` · ${ctx.t("check.against", { target: label })}`);
}

/** The mark and words of a stage's state, in the chosen language. */
export function stageMark(ctx: Ctx, s: StageResult): string {
  const { ok, bad, dim } = ctx.style;
  if (!s.ran) return dim("-");
  return s.state === "done" ? ok("✓") : s.state === "not started" ? dim("·") : bad("✗");
}

export function stageWord(ctx: Ctx, s: StageResult): string {
  const { ok, bad, dim } = ctx.style;
  if (!s.ran) return dim(ctx.t("state.notRun"));
  if (s.state === "done") return ok(ctx.t("state.done"));
  if (s.state === "not started") return dim(ctx.t("state.notStarted"));
  return bad(ctx.t("state.failing"));
}

/** One failure as the learner reads it: the test, then expected vs got (no stack). */
export function failureBlock(
  ctx: Ctx,
  kata: Kata,
  test: TestResult & { stage?: number | undefined },
  lines = 24,
): string {
  // A stage not started yet: what to do matters, not which test said so.
  const title = isNotDone(test)
    ? ctx.t("check.nextTodo", { stage: test.stage ?? "?" })
    : ctx.t("check.firstFailure", { stage: test.stage ?? "?", title: test.title });
  // Where each program was when the wait ended comes first, on a line of its own, and not again below.
  const blocked = test.blocked ?? [];
  const summary = failureSummary(test.failure, lines)
    .split("\n")
    .filter((l) => !blocked.includes(l))
    .join("\n");
  const where = blocked.length > 0 ? `${indent(ctx.style.accent(whereLine(ctx, blocked)))}\n` : "";
  return `${indent(ctx.style.warn(title), "    ")}\n${where}${indent(summary)}`;
}

/** "when the wait ended: your client is blocked in read(3). the server closed socket 4." */
export function whereLine(ctx: Ctx, blocked: readonly string[]): string {
  return ctx.t("check.whenWaitEnded", { where: blocked.join(" ") });
}

/**
 * The first verdict of a run, as soon as it comes: one line naming the first test that failed for real (a TODO
 * only says what to do next, and waits for the summary). The failure itself is shown once, under the board, for
 * the lowest stage that failed: one block per run, in stage order.
 */
export class LiveFailure {
  shown: TestResult | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly kata: Kata,
  ) {}

  readonly onTestEnd = (t: TestResult): void => {
    if (this.shown || t.status !== "failed" || isNotDone(t)) return;
    this.shown = t;
    const stage = stageOfFile(this.kata, t.file) ?? "?";
    this.ctx.out(this.ctx.style.bad(`  ✗ ${this.ctx.t("check.liveFailure", { stage, title: t.title })}`));
  };
}

/** What kept tests from running: a test file that could not load, an error outside any test, vitest itself. */
export function runProblems(ctx: Ctx, result: RunResult): string[] {
  const out: string[] = [];
  const { bad } = ctx.style;
  for (const e of result.fileErrors)
    out.push(bad(ctx.t("check.fileError", { file: e.file })), indent(failureSummary(e.message, 12)));
  for (const e of result.errors) out.push(bad(ctx.t("check.unhandled")), indent(failureSummary(e, 12)));
  if (result.crash) out.push(bad(ctx.t("check.crash")), indent(failureSummary(result.crash, 30)));
  return out;
}

/**
 * The stage-by-stage summary of a run: a line per stage, the lowest stage's first failure,
 * what stopped the run if it did not finish, and what to do next. Returns true when every stage that ran passed.
 */
export function printResult(
  ctx: Ctx,
  kata: Kata,
  result: RunResult,
  label: string,
  options: { headed?: boolean } = {},
): boolean {
  const { dim, ok, bad, accent } = ctx.style;
  const out: string[] = options.headed ? [] : [header(ctx, kata, label)];
  const ran = result.stages.filter((s) => s.ran);
  for (const s of result.stages) {
    const stage = kata.stages.find((x) => x.stage === s.stage);
    const count = !s.ran ? dim(` ${ctx.t("state.notRun")}`) : dim(` ${s.passed}/${s.passed + s.failed}`);
    out.push(
      `  ${stageMark(ctx, s)} ${ctx.t("stage.label", { n: s.stage })}: ${stage ? ctx.text(stage.title) : ""}${count}`,
    );
  }
  // The lowest stage's first failure is the one to fix: one block, under the board.
  const first = ran.find((s) => s.firstFailure)?.firstFailure;
  if (first) out.push("", failureBlock(ctx, kata, first));
  const problems = runProblems(ctx, result);
  if (problems.length) out.push("", ...problems);
  const passed = result.tests.filter((t) => t.status === "passed").length;
  const failed = result.tests.filter((t) => t.status === "failed").length;
  const all = ran.length > 0 && ran.every((s) => s.state === "done") && problems.length === 0;
  out.push("");
  out.push(
    all
      ? ok(ctx.t("check.allPass", { count: passed }))
      : passed + failed === 0
        ? bad(ctx.t("check.noneFinished"))
        : `${bad(ctx.t("check.failed", { count: failed }))}, ${ok(ctx.t("check.passed", { count: passed }))}`,
  );
  if (!all) {
    const next = ran.find((s) => s.state !== "done");
    if (next)
      out.push(dim(ctx.t("check.stuckHint", { command: accent(`pnpm kata hint ${kata.id} ${next.stage}`) })));
  }
  ctx.out(out.join("\n"));
  return all;
}

import { isBonus, type Kata } from "@tcp-katas/katas";

import type { Ctx } from "./context.ts";
import type { TestResult } from "./runner/protocol.ts";
import { failureSummary, isNotDone, type RunResult, stageOfFile, type StageResult } from "./runner/stages.ts";

const indent = (text: string, by = "      ") =>
  text
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");

/** The first line of a run's report: which kata, against what. */
export function header(ctx: Ctx, kata: Kata, label: string): string {
  return ctx.style.bold(kata.id) + ctx.style.dim(` · ${ctx.t("check.against", { target: label })}`);
}

/** A stage's state as a run's report marks it ("✓") and as the board words it ("done"). */
export function stageLook(ctx: Ctx, s: StageResult) {
  const { ok, bad, dim } = ctx.style;
  if (!s.ran) return { mark: dim("-"), word: dim(ctx.t("state.notRun")) };
  if (s.state === "done") return { mark: ok("✓"), word: ok(ctx.t("state.done")) };
  if (s.state === "not started") return { mark: dim("·"), word: dim(ctx.t("state.notStarted")) };
  return { mark: bad("✗"), word: bad(ctx.t("state.failing")) };
}

/** A stage's title, tagged when it is a bonus. */
export function stageTitle(ctx: Ctx, kata: Kata, n: number): string {
  const stage = kata.stages.find((x) => x.stage === n);
  const tag = isBonus(kata, n) ? ` ${ctx.style.accent(ctx.t("stage.bonus"))}` : "";
  return `${stage ? ctx.text(stage.title) : ""}${tag}`;
}

/**
 * A failure's first `lines` lines, and apart from them "when the wait ended: your client is blocked in read(3).
 * the server closed socket 4.": where each program was, shown on a line of its own above the failure, not again in it.
 */
export function failureParts(ctx: Ctx, test: TestResult, lines: number) {
  const blocked = test.blocked ?? [];
  const summary = failureSummary(test.failure, lines)
    .split("\n")
    .filter((l) => !blocked.includes(l))
    .join("\n");
  const where = blocked.length > 0 ? ctx.t("check.whenWaitEnded", { where: blocked.join(" ") }) : undefined;
  return { where, summary };
}

/**
 * The first verdict of a run, as soon as it comes: one line naming the first test that failed for real (a TODO
 * only says what to do next, and waits for the summary). The failure itself is shown once, under the board, for
 * the lowest stage that failed: one block per run, in stage order.
 */
export function liveFailure(ctx: Ctx, kata: Kata) {
  const live = {
    shown: undefined as TestResult | undefined,
    onTestEnd: (t: TestResult): void => {
      if (live.shown || t.status !== "failed" || isNotDone(t)) return;
      live.shown = t;
      const stage = stageOfFile(kata, t.file) ?? "?";
      ctx.out(ctx.style.bad(`  ✗ ${ctx.t("check.liveFailure", { stage, title: t.title })}`));
    },
  };
  return live;
}

/** The stage-by-stage summary of a run; true when every stage that ran passed. */
export function printResult(ctx: Ctx, kata: Kata, result: RunResult): boolean {
  const { dim, ok, bad, accent, warn } = ctx.style;
  const out: string[] = [];
  const ran = result.stages.filter((s) => s.ran);
  for (const s of result.stages) {
    // Set off from the title, which may end in words of its own ("past the backlog · not run").
    const count = dim(` · ${!s.ran ? ctx.t("state.notRun") : `${s.passed}/${s.passed + s.failed}`}`);
    out.push(
      `  ${stageLook(ctx, s).mark} ${ctx.t("stage.label", { n: s.stage })}: ${stageTitle(ctx, kata, s.stage)}${count}`,
    );
  }
  // The lowest stage's first failure is the one to fix: one block, under the board. A stage not started yet:
  // what to do matters, not which test said so.
  const first = ran.find((s) => s.firstFailure)?.firstFailure;
  if (first) {
    const stage = first.stage ?? "?";
    const title = isNotDone(first)
      ? ctx.t("check.nextTodo", { stage })
      : ctx.t("check.firstFailure", { stage, title: first.title });
    const { where, summary } = failureParts(ctx, first, 24);
    out.push("", indent(warn(title), "    "), ...(where ? [indent(accent(where))] : []), indent(summary));
  }
  const problems: string[] = [];
  for (const e of result.fileErrors)
    problems.push(bad(ctx.t("check.fileError", { file: e.file })), indent(failureSummary(e.message, 12)));
  for (const e of result.errors) problems.push(bad(ctx.t("check.unhandled")), indent(failureSummary(e, 12)));
  if (result.crash) problems.push(bad(ctx.t("check.crash")), indent(failureSummary(result.crash, 30)));
  if (problems.length) out.push("", ...problems);
  const passed = result.tests.filter((t) => t.status === "passed").length;
  const failed = result.tests.filter((t) => t.status === "failed").length;
  const all = ran.length > 0 && ran.every((s) => s.state === "done") && problems.length === 0;
  out.push(
    "",
    all
      ? ok(ctx.t("check.allPass", { count: passed }))
      : passed + failed === 0
        ? bad(ctx.t("check.noneFinished"))
        : `${bad(ctx.t("check.failed", { count: failed }))}, ${ok(ctx.t("check.passed", { count: passed }))}`,
  );
  const next = all ? undefined : ran.find((s) => s.state !== "done");
  if (next)
    out.push(dim(ctx.t("check.stuckHint", { command: accent(`pnpm kata hint ${kata.id} ${next.stage}`) })));
  ctx.out(out.join("\n"));
  return all;
}

// The learner's path: katas in their manifests' `order`, bonus stages (kata.json's `bonus`) never holding it up.
// First the choice itself, over made-up results; then the board, `kata hint` and `kata watch` on the fixture
// workspace with a second kata, 01-2-warmup, that comes first on the path although its id sorts after 01-1-tiny,
// and whose stage 2 is a bonus.
import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";

import type { Kata } from "@tcp-katas/katas";
import { describe, expect, it } from "vitest";

import { main } from "../src/main.ts";
import { nextOnPath, nextStage } from "../src/next.ts";
import type { RunResult, StageState } from "../src/runner/stages.ts";
import { KATA, kata as cli, SLOW, workspace } from "./helpers.ts";

/** A kata of `stages` stages, those in `bonus` bonuses. */
function kataOf(id: string, stages: number, bonus: number[] = []): Kata {
  return {
    id,
    order: 1,
    section: id,
    title: { en: id, ko: id },
    programs: [],
    stages: Array.from({ length: stages }, (_, i) => ({
      stage: i + 1,
      title: { en: `stage ${i + 1}`, ko: `${i + 1}단계` },
      tests: [],
      hints: [],
      ...(bonus.includes(i + 1) ? { bonus: true } : {}),
    })),
    demo: [],
    dir: `/katas/${id}`,
  };
}

/** A starter's result with these stage states, stage 1 first. */
function resultOf(...states: StageState[]): RunResult {
  return {
    target: "starter",
    tests: [],
    fileErrors: [],
    errors: [],
    stages: states.map((state, i) => ({
      stage: i + 1,
      passed: 0,
      failed: 0,
      brokenFiles: [],
      ran: true,
      state,
      firstFailure: undefined,
    })),
  };
}

describe("what comes next", () => {
  const a = kataOf("04-2-basic", 5, [4, 5]);
  const b = kataOf("04-3-iterative-echo", 4, [4]);
  const c = kataOf("04-1-layers", 2);

  it("in a kata: the first stage not done that is not a bonus, then the bonus stages, then nothing", () => {
    expect(nextStage(a, resultOf("done", "failing", "not started", "not started", "not started"))).toEqual({
      stage: 2,
      bonus: false,
    });
    // A bonus stage before the last stage on the path does not stop it.
    const early = kataOf("01-1-x", 3, [1]);
    expect(nextStage(early, resultOf("not started", "done", "failing"))).toEqual({ stage: 3, bonus: false });
    expect(nextStage(a, resultOf("done", "done", "done", "done", "failing"))).toEqual({
      stage: 5,
      bonus: true,
    });
    expect(nextStage(a, resultOf("done", "done", "done", "done", "done"))).toBeUndefined();
  });

  it("over the katas: the path's order, past a kata whose only stages left are bonuses", () => {
    const katas = [a, b, c];
    const fresh = [
      resultOf("not started", "not started", "not started", "not started", "not started"),
      resultOf("not started", "not started", "not started", "not started"),
      resultOf("not started", "not started"),
    ];
    expect(nextOnPath(katas, fresh)).toEqual({ kata: a, stage: 1, bonus: false });
    const bonusesLeft = resultOf("done", "done", "done", "not started", "not started");
    expect(nextOnPath(katas, [bonusesLeft, ...fresh.slice(1)])).toEqual({ kata: b, stage: 1, bonus: false });
    // b's bonus too: c is next.
    const bDone = resultOf("done", "done", "done", "failing");
    expect(nextOnPath(katas, [bonusesLeft, bDone, fresh[2] as RunResult])).toEqual({
      kata: c,
      stage: 1,
      bonus: false,
    });
    // Every stage on the path done: the first bonus not done, in path order.
    const cDone = resultOf("done", "done");
    expect(nextOnPath(katas, [bonusesLeft, bDone, cDone])).toEqual({ kata: a, stage: 4, bonus: true });
    const allDone = resultOf("done", "done", "done", "done", "done");
    expect(nextOnPath(katas, [allDone, bDone, cDone])).toEqual({ kata: b, stage: 4, bonus: true });
    expect(nextOnPath(katas, [allDone, resultOf("done", "done", "done", "done"), cDone])).toBeUndefined();
  });
});

const WARMUP = path.join(import.meta.dirname, "fixtures/second-kata/01-2-warmup");

/** The fixture workspace with 01-2-warmup beside 01-1-tiny (order 5, before tiny's 10). */
function twoKatas(): string {
  const ws = workspace();
  cpSync(WARMUP, path.join(ws, "chapters/01-2-warmup"), { recursive: true });
  return ws;
}

/** The warm-up's starter with stage 1 done and its bonus stage still a TODO. */
function solveWarmupStage1(ws: string): void {
  writeFileSync(
    path.join(ws, "chapters/01-2-warmup/starter/warm.ts"),
    [
      'import { todo } from "@tcp-katas/shared/cli";',
      "",
      "export function warm(name: string): string {",
      "  return `Hi, ${name}.`;",
      "}",
      "",
      "export function loud(text: string): string {",
      "  todo(`stage 2: loud: ${text}`);",
      "}",
      "",
    ].join("\n"),
  );
}

/** `kata watch` without a kata: the folder it watches (from its header), then Ctrl-C. */
async function watchedFolder(ws: string): Promise<string> {
  const stdout = new PassThrough();
  let out = "";
  // main() listens for Ctrl-C first (to stop every vitest), watch once its first run has reported.
  const onCtrlC = new Set<() => void>();
  const header = new Promise<string>((resolve) =>
    stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const where = /watching (\S+)/.exec(out)?.[1];
      if (where) resolve(where);
    }),
  );
  const done = main(["watch"], {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: { PATH: process.env.PATH, KATA_LANG: "en", KATA_STATE_DIR: path.join(ws, ".kata-test-state") },
    cwd: ws,
    onInterrupt(fn) {
      onCtrlC.add(fn);
      return () => onCtrlC.delete(fn);
    },
  });
  const where = await header;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (onCtrlC.size < 2) return;
      clearInterval(timer);
      resolve();
    }, 20);
  });
  for (const fn of [...onCtrlC]) fn();
  expect(await done).toBe(0);
  return where;
}

describe("the path on the board, in hint and in watch", SLOW, () => {
  it("the board lists the katas in path order, marks bonus stages, counts them apart and leads past them", async () => {
    const ws = twoKatas();
    const fresh = await cli(["list"], { cwd: ws });
    expect(fresh.code, fresh.stderr).toBe(0);
    // 01-2-warmup (order 5) before 01-1-tiny (order 10).
    expect(fresh.stdout.indexOf("01-2-warmup")).toBeLessThan(fresh.stdout.indexOf("01-1-tiny"));
    expect(fresh.stdout).toMatch(/stage 2 +not started +loud\(\) in capitals \(bonus\)/);
    expect(fresh.stdout).toMatch(/stage 2 +not started +shout\(\) in capitals\n/);
    expect(fresh.stdout).toContain(
      "0/3 stages done. Bonus stages: 0/1. Next: edit chapters/01-2-warmup/starter, then pnpm kata check 01-2-warmup (hint: pnpm kata hint 01-2-warmup 1)",
    );
    const ko = await cli(["list"], { cwd: ws, env: { KATA_LANG: "ko" } });
    expect(ko.stdout).toMatch(/2단계 +시작 전 +loud\(\)는 대문자로 \(보너스\)/);
    expect(ko.stdout).toContain("보너스 단계 0/1 완료.");

    // Stage 1 of the warm-up done: the next step is the next kata, not the warm-up's bonus.
    solveWarmupStage1(ws);
    const past = await cli(["list"], { cwd: ws });
    expect(past.stdout).toMatch(/stage 1 +done +warm\(\) greets/);
    expect(past.stdout).toContain(
      "1/3 stages done. Bonus stages: 0/1. Next: edit chapters/01-1-tiny/starter",
    );

    // Every stage on the path done: only then the bonus, said as one.
    cpSync(path.join(ws, KATA, "solution"), path.join(ws, KATA, "starter"), { recursive: true });
    const bonus = await cli(["list"], { cwd: ws });
    expect(bonus.stdout).toContain(
      "3/3 stages done. Bonus stages: 0/1. Next: every stage on the path is done; a bonus, if you like: edit chapters/01-2-warmup/starter for stage 2 (hint: pnpm kata hint 01-2-warmup 2)",
    );
    cpSync(path.join(ws, "chapters/01-2-warmup/solution"), path.join(ws, "chapters/01-2-warmup/starter"), {
      recursive: true,
    });
    const all = await cli(["list"], { cwd: ws });
    expect(all.stdout).toContain("3/3 stages done. Bonus stages: 1/1. Every stage is done. Well done!");
  });

  it("hint without a stage gives the first stage not done on the path, then a bonus stage, named as one", async () => {
    const ws = twoKatas();
    expect((await cli(["hint", "01-2"], { cwd: ws })).stdout).toContain(
      "Only hint of the warm-up's stage 1.",
    );
    solveWarmupStage1(ws);
    const bonus = await cli(["hint", "01-2"], { cwd: ws });
    expect(bonus.stdout).toContain("01-2-warmup · stage 2: loud() in capitals (bonus)");
    expect(bonus.stdout).toContain("Only hint of the warm-up's bonus stage.");
    const ko = await cli(["hint", "01-2", "2"], { cwd: ws, env: { KATA_LANG: "ko" } });
    expect(ko.stdout).toContain("01-2-warmup · 2단계: loud()는 대문자로 (보너스)");
    expect((await cli(["hint", "01-1"], { cwd: ws })).stdout).toContain("First hint of stage 1.");
  });

  it("watch without a kata watches the first kata on the path with a stage to do, past bonus stages", async () => {
    const ws = twoKatas();
    expect(await watchedFolder(ws)).toBe("chapters/01-2-warmup/starter");
    solveWarmupStage1(ws);
    expect(await watchedFolder(ws)).toBe("chapters/01-1-tiny/starter");
    cpSync(path.join(ws, KATA, "solution"), path.join(ws, KATA, "starter"), { recursive: true });
    // Only the warm-up's bonus stage is left: that is where it goes.
    expect(await watchedFolder(ws)).toBe("chapters/01-2-warmup/starter");
  });
});

// The preset's global setup: runs in vitest's main process, whose event loop a learner's busy loop never blocks
// (that loop runs in a worker). It gives the workers a folder to beat into and, unless the kata CLI watches them
// already (it sets KATA_BEAT_DIR and shows the test's transcript itself), stops a worker that went silent: the
// message names the test, the worker and everything it started are killed, and vitest fails the run instead of
// waiting for ever (a plain `pnpm --filter <kata> test` with `while (true) {}` used to hang until Ctrl-C).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

import { msg } from "../i18n/index.ts";
import { type Beat, BEAT_DIR_ENV, stuckBeats } from "./beats.ts";

/** The pid and every descendant of it, deepest first (ps on POSIX; on Windows the pid alone). */
export function processTree(pid: number): number[] {
  if (process.platform === "win32") return [pid];
  let table: string;
  try {
    table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return [pid];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split("\n")) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (child === undefined || parent === undefined || Number.isNaN(child) || Number.isNaN(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const order: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) visit(c);
    order.push(p);
  };
  visit(pid);
  return order;
}

/** What the learner reads when a worker is stopped. */
export function stuckMessage(beat: Beat & { silentMs: number }): string {
  const name = beat.test || (beat.file ? path.basename(beat.file) : msg("watchdog.unknownTest"));
  return [
    msg("watchdog.stuck", { name, seconds: Math.round(beat.silentMs / 1000) }),
    msg("watchdog.stuckWhy"),
  ].join("\n");
}

/** Kills a stuck worker and what it started, once, and says so on stderr. */
function stop(beat: Beat & { silentMs: number }, write: (text: string) => void): void {
  write(`\n${stuckMessage(beat)}\n\n`);
  for (const pid of processTree(beat.pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

export interface WatchOptions {
  afterMs?: number;
  everyMs?: number;
  write?: (text: string) => void;
}

/** Watches a beat folder; returns the function that stops watching. */
export function watchBeats(dir: string, options: WatchOptions = {}): () => void {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const stopped = new Set<number>();
  const timer = setInterval(() => {
    for (const beat of stuckBeats(dir, options.afterMs)) {
      if (stopped.has(beat.pid)) continue;
      stopped.add(beat.pid);
      stop(beat, write);
    }
  }, options.everyMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}

export default function setup(project: TestProject): (() => void) | undefined {
  const given = process.env[BEAT_DIR_ENV];
  if (given) {
    project.provide("kataBeatDir", given);
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "kata-beat-"));
  project.provide("kataBeatDir", dir);
  const fromEnv = Number(process.env.KATA_HARD_DEADLINE_MS);
  const unwatch = watchBeats(dir, fromEnv > 0 ? { afterMs: fromEnv } : {});
  return () => {
    unwatch();
    rmSync(dir, { recursive: true, force: true });
  };
}

// A vitest worker whose event loop never runs again (`while (true) {}` in the learner's code) cannot report, fail
// its test or time out: vitest waits for it forever. So every worker writes a beat file, from a timer, while its
// event loop runs; a watcher outside it (the preset's global setup, or the kata CLI) reads the files, and a beat
// that has gone stale means that worker is stuck. A test that merely waits long keeps beating and is left alone.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";

/** The folder of beat files, set by a watcher for the workers it watches. */
export const BEAT_DIR_ENV = "KATA_BEAT_DIR";
/** How often a worker beats. */
export const BEAT_EVERY_MS = 250;
/**
 * How long a worker may go without a beat before it counts as stuck: far above any timer delay a busy CPU causes,
 * and above the synchronous work a test does on purpose (a git command, a fixture copied).
 */
export const STUCK_AFTER_MS = 10_000;

/** One worker's last word: it was alive at `at`, inside this test file and test (when it was in one). */
export interface Beat {
  pid: number;
  at: number;
  file?: string;
  test?: string;
}

/** The worker's beat file: one per process and thread (vitest may run workers as threads). */
export function beatFile(dir: string): string {
  return path.join(dir, `${process.pid}-${threadId}.beat.json`);
}

/** Writes this worker's beat, synchronously (a test about to block must have its name on disk first). */
export function writeBeat(dir: string, beat: Omit<Beat, "pid" | "at">, now = Date.now()): void {
  try {
    writeFileSync(beatFile(dir), JSON.stringify({ pid: process.pid, at: now, ...beat }));
  } catch {
    // the folder is gone: nobody is watching any more
  }
}

/** Removes this worker's beat file (it is leaving). */
export function removeBeat(dir: string): void {
  rmSync(beatFile(dir), { force: true });
}

function isBeat(value: unknown): value is Beat {
  if (typeof value !== "object" || value === null) return false;
  const b = value as Record<string, unknown>;
  return (
    Number.isInteger(b.pid) &&
    typeof b.at === "number" &&
    (b.file === undefined || typeof b.file === "string") &&
    (b.test === undefined || typeof b.test === "string")
  );
}

/** Every readable beat in the folder (a file cut mid-write, or not a beat, is skipped). */
export function readBeats(dir: string): Beat[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".beat.json"));
  } catch {
    return [];
  }
  const beats: Beat[] = [];
  for (const name of names) {
    try {
      const value: unknown = JSON.parse(readFileSync(path.join(dir, name), "utf8"));
      if (isBeat(value)) beats.push(value);
    } catch {
      // written as we read it, or removed: the next look sees it
    }
  }
  return beats;
}

/** Whether a process is still there (a worker that exited, or was killed, beats no more and is not stuck). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but is not ours to signal
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live workers whose last beat is older than `afterMs`, the longest silent first, with how long. */
export function stuckBeats(
  dir: string,
  afterMs: number = STUCK_AFTER_MS,
  now: number = Date.now(),
  alive: (pid: number) => boolean = isAlive,
): (Beat & { silentMs: number })[] {
  return readBeats(dir)
    .map((b) => ({ ...b, silentMs: now - b.at }))
    .filter((b) => b.silentMs >= afterMs && alive(b.pid))
    .sort((a, b) => b.silentMs - a.silentMs);
}

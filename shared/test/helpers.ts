/**
 * What several of shared's test files use: the fixture programs run behind the boundary, the language pinned for
 * a file (the test thread's and the programs' it starts), waits by polling with setImmediate (never a fixed
 * sleep), and free ports whose two bytes differ (for a server that forgets htons()).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll } from "vitest";

import type { Lang } from "../src/i18n/index.ts";
import { useLang } from "../src/i18n/index.ts";
import { DeadlineExceeded, freePort } from "../src/testing/index.ts";

/** The shared package's folder: the fixtures import ../../src/... by relative path, so it resolves them. */
export const SHARED_DIR = path.resolve(import.meta.dirname, "..");

/** A fixture program of test/fixtures, as run() and load() take it. */
export function fixture(name: string): { file: string; resolveFrom: string } {
  return { file: path.join(SHARED_DIR, "test", "fixtures", name), resolveFrom: SHARED_DIR };
}

/**
 * Pins the language of every message the file's tests read, for the whole file: the test thread's (useLang) and
 * that of the programs it starts behind the boundary, which resolve theirs from KATA_LANG (a worker's
 * environment is a copy of this process's when it starts; a child's is passed on). Both are put back after the
 * file, since a vitest worker runs several files (isolate: false).
 */
export function pinLang(lang: Lang): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.KATA_LANG;
    process.env.KATA_LANG = lang;
    useLang(lang);
  });
  afterAll(() => {
    if (before === undefined) delete process.env.KATA_LANG;
    else process.env.KATA_LANG = before;
    useLang(undefined);
  });
}

/** A folder in the system's temp dir for the file's tests, removed after them. */
export function tempDirForFile(prefix: string): () => string {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** What a promise rejected with; fails if it resolved or rejected with something that is not an Error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof Error))
    throw new Error(`the promise did not reject with an Error: ${String(outcome)}`);
  return outcome;
}

/** What `fn` threw, synchronously; fails if it threw nothing. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("nothing was thrown");
}

/** One turn of the event loop. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Polls `check` once per event-loop turn until it holds; fails after `ms` saying what it waited for. */
export async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms)
      throw new DeadlineExceeded(`Timed out after ${ms} ms waiting for ${what}.`);
    await turn();
  }
}

/**
 * A free port, and the port to ask for so that a server forgetting htons() lands on the free one. Its two bytes
 * differ: a port such as 0x9393 is its own swap, and forgetting htons() would change nothing.
 */
export async function swappedPorts(): Promise<{ free: number; asked: number }> {
  let free = await freePort();
  while ((free & 0xff) === free >> 8) free = await freePort();
  return { free, asked: ((free & 0xff) << 8) | (free >> 8) };
}

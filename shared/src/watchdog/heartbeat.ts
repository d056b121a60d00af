// The preset's setup file: runs in each vitest worker before each test file. The worker beats while its event
// loop runs, and says, synchronously, which file and test it enters, so that a watcher can name the test that
// blocked it even when the block comes before vitest reported the test as started.
import { afterAll, afterEach, beforeEach, expect, inject } from "vitest";

import { type Beat, BEAT_DIR_ENV, BEAT_EVERY_MS, removeBeat, writeBeat } from "./beats.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder the workers beat into (the preset's global setup provides it). */
    kataBeatDir: string;
  }
}

interface Heart {
  dir: string;
  where: Omit<Beat, "pid" | "at">;
}

// One timer per worker, although this file runs again for every test file the worker takes.
const KEY = Symbol.for("tcp-katas.heartbeat");
const holder = globalThis as { [KEY]?: Heart };

function heart(): Heart | undefined {
  if (holder[KEY]) return holder[KEY];
  const dir = process.env[BEAT_DIR_ENV] ?? inject("kataBeatDir");
  if (!dir) return undefined;
  const h: Heart = { dir, where: {} };
  holder[KEY] = h;
  // unref: the beat never keeps a worker alive that has finished.
  setInterval(() => writeBeat(h.dir, h.where), BEAT_EVERY_MS).unref();
  process.once("exit", () => removeBeat(h.dir));
  return h;
}

const h = heart();
if (h) {
  const file = expect.getState().testPath;
  h.where = file === undefined ? {} : { file };
  writeBeat(h.dir, h.where);
  beforeEach(() => {
    h.where = { ...h.where, test: expect.getState().currentTestName ?? "" };
    writeBeat(h.dir, h.where);
  });
  afterEach(() => {
    h.where = file === undefined ? {} : { file };
  });
  afterAll(() => {
    h.where = {};
  });
}

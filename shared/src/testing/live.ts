import { appendFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";

import { expect } from "vitest";

/**
 * Mirrors what a program prints to `$KATA_LIVE_DIR/<pid>.jsonl`, synchronously, as it prints it. A program that
 * never lets the event loop run again (`while (true) {}`) also stops the test that runs it, so the kata CLI's
 * watchdog kills the worker and can only show what the program printed from this file.
 */
export function mirror(label: string, chunk: Buffer | string): void {
  const dir = process.env.KATA_LIVE_DIR;
  if (!dir) return;
  let test: string | undefined;
  let file: string | undefined;
  try {
    ({ currentTestName: test, testPath: file } = expect.getState());
  } catch {
    test = undefined;
  }
  const data = typeof chunk === "string" ? chunk : chunk.toString("utf8");
  try {
    appendFileSync(
      path.join(dir, `${process.pid}.jsonl`),
      `${JSON.stringify({ test, file, label, data })}\n`,
    );
  } catch {
    // the folder is gone: the CLI is not watching any more
  }
}

/** A PassThrough for a program's stdout or stderr whose every write is mirrored at once (see mirror()). */
export function mirroredStream(label: string): PassThrough {
  return new PassThrough({
    transform(chunk: Buffer, _encoding, callback) {
      mirror(label, chunk);
      callback(null, chunk);
    },
  });
}

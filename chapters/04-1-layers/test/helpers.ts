// What the stage tests share: the committed fixtures, tcpdump's reading of them, dissect.ts run behind the
// boundary (a worker thread, its output over the channel), and the errors the layers throw across it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import {
  DeadlineExceeded,
  expectBytes,
  NotDoneYet,
  ProgramLoadError,
  type ProgramRun,
  run,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { expect } from "vitest";

export const FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures");

/** Every committed capture, by name (`echo-ipv4-ethernet` for fixtures/echo-ipv4-ethernet.pcap). */
export const FIXTURES = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith(".pcap"))
  .map((f) => f.slice(0, -".pcap".length))
  .sort();

/**
 * The snapshot length a fixture was captured with (tcpdump -s), from its name (`echo-ipv4-ethernet-s90`):
 * undefined when it was captured whole (tcpdump's default, 262144).
 */
export function snapshotOf(name: string): number | undefined {
  const n = /-s(\d+)$/.exec(name)?.[1];
  return n === undefined ? undefined : Number(n);
}

export function fixturePath(name: string): string {
  return path.join(FIXTURES_DIR, `${name}.pcap`);
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/**
 * tcpdump's output made comparable with dissect.ts's: the `, options [...]` field taken out, and in a Linux
 * cooked v2 capture the interface name and direction tcpdump puts first (`lo    In  `) taken off. The
 * interface name is looked up by index on the machine that reads the file, so it is not part of the capture.
 */
export function normalizeTcpdump(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/, options \[[^\]]*\]/, "").replace(/^\S+ +(In|Out|B|M|P) +(?=IP)/, ""));
}

/**
 * tcpdump's lines for the packets whose headers it could read whole: a line that ends with `[|tcp]` (or `[|ip]`)
 * is a packet the snapshot length cut inside its headers, which dissect.ts notes on stderr and skips.
 */
export function wholeHeaderLines(text: string): string[] {
  return normalizeTcpdump(
    text
      .split("\n")
      .filter((line) => !/\[\|\w+\]>?$/.test(line))
      .join("\n"),
  );
}

/** The lines tcpdump printed for a fixture (fixtures/<name>.tcpdump.txt), normalized. */
export function tcpdumpLines(name: string): string[] {
  return normalizeTcpdump(readFileSync(path.join(FIXTURES_DIR, `${name}.tcpdump.txt`), "utf8"));
}

/**
 * dissect.ts run behind the boundary with these arguments, ended when the test ends. Its waits fail at once
 * with a starter's TODO (`Not done yet: TODO: ...`), which dissect.ts prints when a layer is not written yet.
 */
export function runDissect(args: readonly string[]): ProgramRun {
  return run(program("dissect.ts"), args, { label: "dissect.ts" });
}

export const STDOUT = t({ en: "dissect.ts's stdout", ko: "dissect.ts의 stdout" });
export const STDERR = t({ en: "dissect.ts's stderr", ko: "dissect.ts의 stderr" });

/** The lines `dissect.ts <file>` prints, which must end with exit code 0 and nothing on stderr. */
export async function dissectLines(file: string): Promise<string[]> {
  const ran = runDissect([file]);
  await ran.expectExit(0);
  expectBytes(ran.stderr.text, "", STDERR);
  return ran.stdout.text.split("\n").filter(Boolean);
}

/**
 * The error fn throws, for assertions on it. A starter's TODO fails the test with its text; so do a call that
 * did not return within its deadline and a file that does not compile (they are not the layer's own errors).
 */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    // A starter's TODO (NotDoneYet), a call that never returned, a file that does not compile: not the error asked for.
    if (err instanceof NotDoneYet || err instanceof DeadlineExceeded || err instanceof ProgramLoadError)
      throw err;
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error(
    t({
      en: "expected an error to be thrown, but the call returned",
      ko: "오류를 던져야 하는데 호출이 그냥 반환했습니다",
    }),
  );
}

/** One-line error checks: one line on stderr, no stack trace. */
export function expectOneLine(stderr: string): void {
  const lines = stderr.split("\n").filter(Boolean);
  expect(
    lines.length === 1 && !/\n\s+at /.test(stderr),
    t({
      en: `one line on stderr, no stack trace; got ${lines.length} line(s):\n${stderr}`,
      ko: `stderr에는 스택 트레이스 없이 한 줄만 있어야 하는데 ${lines.length}줄이 나왔습니다:\n${stderr}`,
    }),
  ).toBe(true);
}

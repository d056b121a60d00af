// What the stage tests share: the committed fixtures, tcpdump's reading of them, and dissect.ts run in-process.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { Main } from "@tcp-katas/shared/cli";
import { NotDoneYet, startProgram } from "@tcp-katas/shared/testing";

export const FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures");

/** Every committed capture, by name (`echo-ipv4-ethernet` for fixtures/echo-ipv4-ethernet.pcap). */
export const FIXTURES = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith(".pcap"))
  .map((f) => f.slice(0, -".pcap".length))
  .sort();

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

/** The lines tcpdump printed for a fixture (fixtures/<name>.tcpdump.txt), normalized. */
export function tcpdumpLines(name: string): string[] {
  return normalizeTcpdump(readFileSync(path.join(FIXTURES_DIR, `${name}.tcpdump.txt`), "utf8"));
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs dissect.ts's main in-process; a starter's TODO fails the test at once with its text. */
export async function runDissect(main: Main, args: readonly string[]): Promise<Ran> {
  const run = startProgram(main, args, { label: "dissect.ts" });
  const code = await run.waitForExit();
  return { code, stdout: run.stdout.text, stderr: run.stderr.text };
}

/** The error fn throws, for assertions on it; a starter's TODO is thrown on, so the test names it. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error && err.name === "TodoError")
      throw new NotDoneYet(`Not done yet: ${err.message}`);
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error("expected an error, but nothing was thrown");
}

/** One-line error checks: no stack trace, no second line. */
export function expectOneLine(stderr: string): void {
  const lines = stderr.split("\n").filter(Boolean);
  if (lines.length !== 1 || /\n\s+at /.test(stderr)) {
    throw new Error(`expected one line on stderr, got ${lines.length}:\n${stderr}`);
  }
}

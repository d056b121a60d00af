import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";

import { onTestFinished } from "vitest";

import type { CliIo } from "../src/context.ts";
import { main } from "../src/main.ts";

export const PACKAGE = path.resolve(import.meta.dirname, "..");
export const FIXTURE = path.join(import.meta.dirname, "fixtures/workspace");
export const BIN = path.join(PACKAGE, "bin/kata.js");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = "kata-test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const git = (args: string[], cwd: string) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, stdio: "ignore" });

/**
 * A copy of the fixture workspace (one small kata) in a temporary git repository, its first commit made. Its
 * packages resolve through this package's own node_modules (linked), as a real checkout resolves through its own.
 */
export function workspace(): string {
  const root = path.join(tempDir(), "ws");
  cpSync(FIXTURE, root, { recursive: true });
  symlinkSync(path.join(PACKAGE, "node_modules"), path.join(root, "node_modules"), "junction");
  git(["init", "-q", "-b", "main"], root);
  git(["add", "-A"], root);
  git(["commit", "-qm", "fixture"], root);
  return root;
}

/** The CLI run in-process, as a user would type it in `cwd`: English, no colour, a state folder of its own. */
export async function kata(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; tty?: boolean },
): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  stdin.end(options.input ?? "");
  const io: CliIo = {
    stdout: Object.assign(stdout, { isTTY: options.tty ?? false }),
    stderr,
    stdin,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KATA_LANG: "en",
      KATA_STATE_DIR: path.join(options.cwd, ".kata-test-state"),
      ...options.env,
    },
    cwd: options.cwd,
  };
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}

export const KATA = "chapters/01-1-tiny";
/** For tests that start a vitest of their own (1-3 s on a quiet 2-core machine); a loaded machine needs more. */
export const SLOW = { timeout: 90_000 };

/** An attempt folder: the fixture kata's solution with one file changed. */
export function attempt(ws: string, file: string, edit: (text: string) => string): string {
  const dir = path.join(tempDir(), "attempt");
  cpSync(path.join(ws, KATA, "solution"), dir, { recursive: true });
  writeFileSync(path.join(dir, file), edit(readFileSync(path.join(dir, file), "utf8")));
  return dir;
}

/** Processes still running whose command line mentions `text`. */
export function processesWith(text: string): string[] {
  return execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(text) && !l.includes("ps -eo"));
}

import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { onTestFinished } from "vitest";

export const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.resolve(import.meta.dirname, "../bin/kata.js");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (a separate process), with piped stdio, so no colour. */
export function kata(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`kata ${args.join(" ")} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

export function tempDir(prefix = "kata-test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A copy of the repository's committed files (git clone), sharing this checkout's installed packages, so a
 * test may change katas freely.
 */
export async function cloneRepo(): Promise<string> {
  const dir = path.join(tempDir(), "repo");
  await new Promise<void>((resolve, reject) => {
    const git = spawn("git", ["clone", "--quiet", "--local", ROOT, dir], { stdio: "ignore" });
    git.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`git clone exited ${code}`))));
  });
  for (const pkg of [
    "",
    "shared",
    "chapters/04-2-basic",
    "chapters/04-3-iterative-echo",
    "chapters/04-4-windows-style",
    "chapters/04-q7-hello-iterative",
  ]) {
    symlinkSync(path.join(ROOT, pkg, "node_modules"), path.join(dir, pkg, "node_modules"), "junction");
  }
  return dir;
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import { CliError } from "../errors.ts";
import { type Kata, repoRoot, stateDir } from "../katas.ts";
import { bold, dim, ok } from "../style.ts";

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The commit whose starter/ counts as pristine: upstream main if known, else HEAD. */
function pristineRef(root: string): string {
  for (const ref of ["origin/main", "upstream/main", "HEAD"]) {
    try {
      git(["rev-parse", "--verify", "--quiet", ref], root);
      return ref;
    } catch {
      // try the next one
    }
  }
  throw new CliError("reset needs git: this folder is not a git checkout with a commit.");
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(y|yes|예|네)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Restores a kata's starter/, after copying the learner's files to .kata/backups/<kata>-<time>/. */
export async function reset(kata: Kata, yes: boolean): Promise<number> {
  const root = repoRoot();
  const starter = path.join(kata.dir, "starter");
  const rel = path.relative(root, starter).split(path.sep).join("/");
  if (!yes) {
    if (!process.stdin.isTTY)
      throw new CliError(
        "reset replaces your starter/ files: add --yes to confirm when not on a terminal.",
        2,
      );
    if (
      !(await confirm(`Replace your files in ${rel}/ with the original starter? (a backup is kept) [y/N] `))
    ) {
      console.log("Nothing changed.");
      return 1;
    }
  }
  const ref = pristineRef(root);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const backup = path.join(stateDir(), "backups", `${kata.id}-${stamp}`);
  if (existsSync(starter) && readdirSync(starter).length > 0) {
    mkdirSync(backup, { recursive: true });
    cpSync(starter, backup, { recursive: true });
  }
  rmSync(starter, { recursive: true, force: true });
  git(["checkout", ref, "--", rel], root);
  console.log(`${ok("Restored")} ${rel}/ ${dim(`from ${ref}`)}.`);
  if (existsSync(backup))
    console.log(`Your previous files are in ${bold(path.relative(process.cwd(), backup) || backup)}`);
  return 0;
}

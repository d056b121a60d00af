import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

const git = (args: string[], cwd: string) =>
  execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });

/**
 * The kata's starter/ as committed (git HEAD), copied into <kata>/.kata/committed-starter (git-ignored), so the
 * proof that a starter is unsolved never looks at the learner's edits. Inside the kata folder, its imports resolve
 * as the real starter's do. Undefined when there is no git checkout to read it from.
 */
export function committedStarter(kata: Kata, root: string): string | undefined {
  const rel = path.relative(root, path.join(kata.dir, "starter")).split(path.sep).join("/");
  let files: string[];
  try {
    files = git(["ls-tree", "-r", "--name-only", "HEAD", "--", `${rel}/`], root)
      .toString("utf8")
      .split("\n")
      .filter(Boolean);
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const out = path.join(kata.dir, ".kata", "committed-starter");
  rmSync(out, { recursive: true, force: true });
  for (const file of files) {
    const to = path.join(out, path.relative(rel, file));
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, git(["show", `HEAD:${file}`], root));
  }
  return out;
}

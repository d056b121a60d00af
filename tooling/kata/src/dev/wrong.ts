/**
 * The wrong attempts a kata keeps under test/wrong/<name>/wrong.json: learners' bugs that once passed a stage.
 * Each holds only what differs from the solution (edits: find this exact text in that solution file, put that
 * instead), and is made into a folder of its own, under the kata's git-ignored .kata/, to run the stage against.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export interface WrongAttempt {
  name: string;
  /** The stage whose tests must catch it. */
  stage: number;
  /** The bug, in a sentence. */
  why: string;
  /** Part of the (English) title of a test that must fail. */
  catches?: string;
  edits: Edit[];
}

export function wrongAttempts(kata: Kata): WrongAttempt[] {
  const root = path.join(kata.dir, "test", "wrong");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, "wrong.json")))
    .map((e) => ({
      name: e.name,
      ...(JSON.parse(readFileSync(path.join(root, e.name, "wrong.json"), "utf8")) as Omit<
        WrongAttempt,
        "name"
      >),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The attempt as a folder: solution/ with its edits made. Returns the folder, or why it cannot be made (an edit
 * whose text is not in the solution exactly once: the solution changed under it).
 */
export function materialize(kata: Kata, attempt: WrongAttempt): { dir: string } | { problem: string } {
  const dir = path.join(kata.dir, ".kata", "wrong", attempt.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(path.join(kata.dir, "solution"), dir, { recursive: true });
  for (const edit of attempt.edits ?? []) {
    const file = path.join(dir, edit.file);
    if (!existsSync(file)) return { problem: `${attempt.name}: ${edit.file} is not a file of solution/` };
    const text = readFileSync(file, "utf8");
    const count = text.split(edit.find).length - 1;
    if (count !== 1)
      return {
        problem: `${attempt.name}: ${edit.file} holds the text to replace ${count} times, not once: ${JSON.stringify(edit.find.slice(0, 60))}`,
      };
    writeFileSync(
      file,
      text.replace(edit.find, () => edit.replace),
    );
  }
  if ((attempt.edits ?? []).length === 0) return { problem: `${attempt.name}: wrong.json has no edits` };
  return { dir };
}

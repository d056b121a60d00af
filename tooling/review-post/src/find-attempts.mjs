// @ts-check
// Which attempt folders a pull request adds or changes, and which kata each one is an attempt at: a changed file
// attempts/<...>/<file>.ts belongs to the folder that holds it, and the kata is the nearest segment of its path
// under attempts/ that is a kata's id (04-3-iterative-echo) or short id (04-3). A folder with none is skipped.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { parseJson } from "./artifact.mjs";

export const ATTEMPTS = "attempts";

/**
 * A kata's short id: the first two parts of its id ("04-3" for "04-3-iterative-echo", "04-q7" for
 * "04-q7-hello-iterative").
 * @param {string} id
 */
export function shortId(id) {
  return id.split("-").slice(0, 2).join("-");
}

/**
 * The ids of the katas in a checkout: the `id` of every chapters/<folder>/kata.json.
 * @param {string} root
 * @returns {string[]}
 */
export function kataIds(root) {
  const chapters = path.join(root, "chapters");
  return readdirSync(chapters)
    .map((name) => path.join(chapters, name, "kata.json"))
    .filter((file) => existsSync(file))
    .flatMap((file) => {
      const { id } = /** @type {{ id?: unknown }} */ (parseJson(readFileSync(file, "utf8")));
      return typeof id === "string" && id ? [id] : [];
    })
    .sort();
}

/**
 * The files added or changed (not deleted) between `base` and `head` under attempts/, as git names them (with
 * forward slashes, relative to the repository's root).
 * @param {string} root
 * @param {string} base
 * @param {string} [head]
 * @returns {string[]}
 */
export function changedFiles(root, base, head = "HEAD") {
  const out = execFileSync(
    "git",
    ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, head, "--", `${ATTEMPTS}/`],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return out.split("\0").filter((f) => f.length > 0);
}

/**
 * @typedef {{ dir: string, kata: string }} Attempt
 * @typedef {{ dir: string }} Skipped
 */

/**
 * The attempt folders that `files` touch, each with its kata, and the folders that name no kata.
 * @param {readonly string[]} files paths relative to the repository's root, with forward slashes
 * @param {readonly string[]} ids the katas' ids
 * @returns {{ attempts: Attempt[], skipped: Skipped[] }}
 */
export function findAttempts(files, ids) {
  /** @type {Map<string, string>} */
  const byName = new Map();
  for (const id of ids) byName.set(id.toLowerCase(), id);
  // A short id names its kata unless it is another kata's whole id, or two katas share it.
  const shorts = ids.map((id) => shortId(id).toLowerCase());
  for (const [i, short] of shorts.entries())
    if (!byName.has(short) && shorts.indexOf(short) === shorts.lastIndexOf(short))
      byName.set(short, /** @type {string} */ (ids[i]));

  const dirs = new Set(
    files.filter((f) => f.startsWith(`${ATTEMPTS}/`) && f.endsWith(".ts")).map((f) => path.posix.dirname(f)),
  );
  /** @type {Attempt[]} */
  const attempts = [];
  /** @type {Skipped[]} */
  const skipped = [];
  for (const dir of [...dirs].sort()) {
    const segments = dir.split("/").slice(1);
    let kata = "";
    for (let i = segments.length - 1; i >= 0 && !kata; i--)
      kata = byName.get(/** @type {string} */ (segments[i]).toLowerCase()) ?? "";
    if (kata) attempts.push({ dir, kata });
    else skipped.push({ dir });
  }
  return { attempts, skipped };
}

#!/usr/bin/env node
// @ts-check
// The unprivileged half, run by review.yml on pull_request in the pull request's checkout after `pnpm install`:
//   PR_NUMBER=<n> HEAD_SHA=<sha> node tooling/review-post/src/review-attempts.mjs --base HEAD^1 --out <dir>
// It reviews each attempt folder the pull request adds or changes with the kata CLI and writes the artifact the
// poster reads (artifact.mjs). A review whose stages fail is a result, not an error: it goes into the artifact and
// this exits 0. It exits 1 only when it could not find the changes or write the artifact.
//
// A changed file attempts/<...>/<file>.ts belongs to the folder that holds it, and the kata is the nearest segment
// of its path under attempts/ that is a kata's id (04-3-iterative-echo) or short id (04-3). A folder with none is
// skipped.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { META_FILE, parseJson, REVIEW_FILE } from "./artifact.mjs";

const ATTEMPTS = "attempts";

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
 * The attempt folders that `files` touch, each with its kata, and the folders that name no kata.
 * @param {readonly string[]} files paths relative to the repository's root, with forward slashes
 * @param {readonly string[]} ids the katas' ids
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
  /** @type {{ dir: string, kata: string }[]} */
  const attempts = [];
  /** @type {{ dir: string }[]} */
  const skipped = [];
  for (const dir of [...dirs].sort()) {
    // The nearest segment under attempts/ that names a kata: the folder's own name, else its parent's, and so on.
    const segments = dir.toLowerCase().split("/").slice(1);
    const kata = byName.get(segments.findLast((segment) => byName.has(segment)) ?? "");
    if (kata) attempts.push({ dir, kata });
    else skipped.push({ dir });
  }
  return { attempts, skipped };
}

/**
 * The one place that says how an attempt is reviewed: the kata CLI's Markdown report, on stdout, exiting
 * non-zero when a stage fails. Run from the repository's root.
 * @param {string} kata the kata's id
 * @param {string} dir the attempt folder, relative to the root
 */
export function reviewCommand(kata, dir) {
  return { command: "pnpm", args: ["kata", "review", kata, "--impl", dir] };
}

/** A review's deadline: a stuck attempt must not hold the job until its own timeout. */
const REVIEW_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * @param {{ command: string, args: string[] }} how
 * @param {string} cwd
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function run({ command, args }, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: REVIEW_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", (e) => resolve({ code: null, stdout, stderr: `${stderr}${e.message}\n` }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A fenced block that no backtick run in `text` can close.
 * @param {string} text
 */
function fence(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}text\n${text}\n${ticks}`;
}

/**
 * @param {{
 *   root: string,
 *   base: string,
 *   head?: string,
 *   out: string,
 *   pr: number,
 *   headSha: string,
 *   command?: typeof reviewCommand,
 *   log?: (line: string) => void,
 * }} options
 */
export async function reviewAttempts({
  root,
  base,
  head,
  out,
  pr,
  headSha,
  command = reviewCommand,
  log = console.log,
}) {
  const ids = kataIds(root);
  const { attempts, skipped } = findAttempts(changedFiles(root, base, head), ids);
  const known = ids.map((id) => `${shortId(id)} (${id})`).join(", ");

  /** @type {string[]} */
  const sections = [];
  for (const { dir, kata } of attempts) {
    log(`review: ${dir} as an attempt at ${kata}`);
    const result = await run(command(kata, dir), root);
    log(`  exit ${result.code ?? "(killed)"}`);
    if (result.stdout.trim()) sections.push(result.stdout.trim());
    else
      sections.push(
        [
          `## \`${dir}\` (${kata})`,
          "",
          `The review did not run (exit ${result.code ?? "none: killed"}). Its last lines:`,
          "",
          fence(result.stderr.trim().split("\n").slice(-30).join("\n")),
        ].join("\n"),
      );
  }
  for (const { dir } of skipped) log(`skip: ${dir} matches no kata (a folder named after one of: ${known})`);
  if (skipped.length > 0)
    sections.push(
      [
        "### Skipped",
        "",
        `These folders hold changed \`.ts\` files but no part of their path names a kata (${known}):`,
        "",
        ...skipped.map(({ dir }) => `- \`${dir}\``),
      ].join("\n"),
    );
  if (attempts.length === 0 && skipped.length === 0) {
    log(`no .ts file under ${ATTEMPTS}/ was added or changed`);
    sections.push(`No \`.ts\` file under \`${ATTEMPTS}/\` was added or changed.`);
  }

  mkdirSync(out, { recursive: true });
  const meta = { number: pr, headSha, attempts: attempts.length, skipped: skipped.length };
  writeFileSync(path.join(out, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(path.join(out, REVIEW_FILE), `${sections.join("\n\n")}\n`);
  log(`wrote ${path.join(out, META_FILE)} and ${path.join(out, REVIEW_FILE)}`);
  return meta;
}

async function main() {
  const { values } = parseArgs({
    options: { base: { type: "string" }, head: { type: "string" }, out: { type: "string" } },
  });
  const pr = Number(process.env.PR_NUMBER);
  const headSha = process.env.HEAD_SHA ?? "";
  if (!values.base || !values.out || !Number.isSafeInteger(pr) || pr < 1 || !/^[0-9a-f]{40}$/.test(headSha)) {
    console.error(
      "usage: PR_NUMBER=<n> HEAD_SHA=<sha> node review-attempts.mjs --base <rev> [--head <rev>] --out <dir>",
    );
    return 2;
  }
  await reviewAttempts({
    root: process.cwd(),
    base: values.base,
    head: values.head,
    out: path.resolve(values.out),
    pr,
    headSha,
  });
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}

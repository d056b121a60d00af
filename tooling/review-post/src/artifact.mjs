// @ts-check
// What the pull_request workflow leaves for the poster: a folder uploaded as the artifact "kata-review".
//   pr.json    { "number": 12, "headSha": "<40 hex>", "attempts": 2, "skipped": 1 }
//   review.md  the Markdown: one `pnpm kata review` report per attempt, then the folders skipped
// The poster reads both as untrusted: the pull request's code wrote them.
import { lstatSync, readFileSync } from "node:fs";
import path from "node:path";

export const ARTIFACT_NAME = "kata-review";
export const META_FILE = "pr.json";
export const REVIEW_FILE = "review.md";

/** Largest file of the artifact read (the review is Markdown; anything near this is not one). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Largest review.md read; longer text is cut first (the comment holds far less anyway). */
const MAX_REVIEW_CHARS = 1024 * 1024;

/** @type {(text: string) => unknown} JSON.parse, typed as what text from outside is: unknown until checked. */
export const parseJson = (text) => JSON.parse(text);

/**
 * One file of the downloaded artifact, or undefined when it has none. Nothing else runs in the job by then, so
 * what lstat says still holds when it is read.
 * @param {string} dir
 * @param {string} name
 */
function readFile(dir, name) {
  const file = path.join(dir, name);
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return undefined;
  // Only a regular file: a link could point at the runner's secrets.
  if (!stat.isFile()) throw new Error(`${name} is not a file this poster reads`);
  if (stat.size > MAX_FILE_BYTES)
    throw new Error(`${name} is ${stat.size} bytes (at most ${MAX_FILE_BYTES})`);
  return readFileSync(file);
}

/**
 * pr.json, checked field by field (anything else in it is ignored), and review.md as text, at most
 * MAX_REVIEW_CHARS of it.
 * @param {string} dir the folder the artifact was downloaded to
 */
export function readArtifact(dir) {
  const raw = readFile(dir, META_FILE);
  if (!raw) throw new Error(`the artifact has no ${META_FILE}`);
  /** @type {unknown} */
  let data;
  try {
    data = parseJson(raw.toString("utf8"));
  } catch {
    throw new Error(`${META_FILE} is not JSON`);
  }
  if (typeof data !== "object" || data === null) throw new Error(`${META_FILE} is not an object`);
  const { number, headSha, attempts, skipped } = /** @type {Record<string, unknown>} */ (data);
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 1)
    throw new Error(`${META_FILE}: "number" is not a pull request number`);
  if (typeof headSha !== "string" || !/^[0-9a-f]{40}$/.test(headSha))
    throw new Error(`${META_FILE}: "headSha" is not a commit SHA`);
  const count = (/** @type {unknown} */ value) =>
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;
  const review = readFile(dir, REVIEW_FILE)?.toString("utf8").slice(0, MAX_REVIEW_CHARS) ?? "";
  return { number, headSha, attempts: count(attempts), skipped: count(skipped), review };
}

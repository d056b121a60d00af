// @ts-check
// What the pull_request workflow leaves for the poster: a folder uploaded as the artifact "kata-review".
//   pr.json    { "number": 12, "headSha": "<40 hex>", "attempts": 2, "skipped": 1 }
//   review.md  the Markdown: one `pnpm kata review` report per attempt, then the folders skipped
// The poster reads both as untrusted: the pull request's code wrote them.

export const META_FILE = "pr.json";
export const REVIEW_FILE = "review.md";

/** Largest review.md read; longer text is cut first (the comment holds far less anyway). */
export const MAX_REVIEW_CHARS = 1024 * 1024;

/**
 * JSON.parse, typed as what it is for text from outside: unknown until checked.
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  return JSON.parse(text);
}

/**
 * @typedef {{ number: number, headSha: string, attempts: number, skipped: number }} Meta
 */

/**
 * pr.json, checked field by field: anything else in it is ignored.
 * @param {Buffer | undefined} raw
 * @returns {Meta}
 */
export function parseMeta(raw) {
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
  return { number, headSha, attempts: count(attempts), skipped: count(skipped) };
}

/**
 * review.md as text, at most MAX_REVIEW_CHARS of it.
 * @param {Buffer | undefined} raw
 */
export function reviewText(raw) {
  return raw ? raw.toString("utf8").slice(0, MAX_REVIEW_CHARS) : "";
}

#!/usr/bin/env node
// @ts-check
// The privileged half, run by review-comment.yml on workflow_run from the default branch with plain `node` (Node
// built-ins only, no code of the pull request), on the folder actions/download-artifact filled:
//   node tooling/review-post/src/post-review.mjs "$RUNNER_TEMP/kata-review"
// It checks that the pull request the artifact names is the one the run built, escapes the review, and creates
// the bot's comment or edits the one it made before (MARKER at the start of a comment by github-actions[bot]).
// Exits 0 when it posted or had nothing to post, 1 when it refused or failed (README: "Exit codes").
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { ARTIFACT_NAME, parseJson, readArtifact } from "./artifact.mjs";
import { composeBody, MARKER } from "./markdown.mjs";

const BOT_LOGIN = "github-actions[bot]";

/**
 * @typedef {{
 *   id: number,
 *   event?: string,
 *   conclusion?: string | null,
 *   head_sha: string,
 *   html_url?: string,
 *   pull_requests?: { number: number }[],
 * }} WorkflowRun
 */

const plural = (/** @type {number} */ n, /** @type {string} */ one) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * A workflow command's message: one line, with GitHub's escapes, so text from the artifact (a file name in an
 * error) cannot start a command of its own.
 * @param {string} message
 */
const commandData = (message) => message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/**
 * The trusted top of the comment: only numbers and GitHub's own URL from the event go in.
 * @param {WorkflowRun} run
 * @param {{ attempts: number, skipped: number }} meta
 */
function header(run, meta) {
  const link = runLink(run);
  return [
    `**Kata review** · commit \`${run.head_sha.slice(0, 7)}\`${link ? ` · ${link}` : ""} · ` +
      `${plural(meta.attempts, "attempt")} reviewed${meta.skipped ? `, ${plural(meta.skipped, "folder")} skipped` : ""}`,
    "",
    "_The text below was made by this pull request's own code and is shown as text: mentions, references and HTML in it do nothing._",
    "",
    "---",
  ].join("\n");
}

/** @param {WorkflowRun} run */
function runLink(run) {
  return typeof run.html_url === "string" && /^https?:\/\/[^\s()<>]+$/.test(run.html_url)
    ? `[review run](${run.html_url})`
    : "";
}

/**
 * @param {{ env: NodeJS.ProcessEnv, dir?: string, log?: (line: string) => void }} options
 * @returns {Promise<number>} the exit code
 */
export async function postReview({ env, dir, log = (line) => console.log(line) }) {
  const error = (/** @type {string} */ message) => {
    log(`::error::${commandData(message)}`);
    return 1;
  };
  const notice = (/** @type {string} */ message) => {
    log(`::notice::${commandData(message)}`);
    return 0;
  };

  const { GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_TOKEN } = env;
  if (!GITHUB_EVENT_PATH || !GITHUB_REPOSITORY || !GITHUB_TOKEN)
    return error(
      "GITHUB_EVENT_PATH, GITHUB_REPOSITORY and GITHUB_TOKEN must be set (run me from review-comment.yml)",
    );
  if (!dir) return error("usage: node post-review.mjs <the folder the artifact was downloaded to>");
  const event = /** @type {{ workflow_run?: WorkflowRun }} */ (
    parseJson(readFileSync(GITHUB_EVENT_PATH, "utf8"))
  );
  const run = event.workflow_run;
  if (!run || typeof run.id !== "number" || typeof run.head_sha !== "string")
    return error("this is not a workflow_run event: nothing to read the artifact of");
  if (run.event !== "pull_request")
    return notice(
      `the review run ${run.id} was started by ${run.event ?? "?"}, not a pull request: nothing to post`,
    );

  const base = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
  /**
   * One REST call under /repos/{owner}/{repo}, with the global fetch; its parsed answer.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    const res = await fetch(`${base}/repos/${GITHUB_REPOSITORY}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${GITHUB_TOKEN}`,
        "user-agent": "tcp-katas-review-post",
        "x-github-api-version": "2022-11-28",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return text ? parseJson(text) : undefined;
    let message = text.slice(0, 300);
    try {
      const parsed = /** @type {{ message?: unknown }} */ (parseJson(text));
      if (typeof parsed.message === "string") message = parsed.message;
    } catch {
      // not JSON: the start of the text says enough
    }
    throw new Error(`${method} ${path}: ${res.status} ${message}`);
  }

  // download-artifact fails, and leaves no file, when the run left no artifact or it expired.
  const files = existsSync(dir) ? readdirSync(dir) : [];
  if (files.length === 0) {
    if (run.conclusion === "success")
      return error(
        `the review run ${run.id} succeeded but left no "${ARTIFACT_NAME}" artifact (or it expired)`,
      );
    return notice(
      `the review run ${run.id} ended ${run.conclusion ?? "without a conclusion"} before leaving a "${ARTIFACT_NAME}" artifact: nothing to post (its log says why)`,
    );
  }
  log(`artifact "${ARTIFACT_NAME}" of run ${run.id}: ${files.length} files`);
  try {
    let meta;
    try {
      meta = readArtifact(dir);
    } catch (e) {
      return error(`the artifact of run ${run.id}: ${e instanceof Error ? e.message : String(e)}`);
    }

    // The artifact was written by the pull request's code: the number in it is only a claim. The run's own
    // head_sha (set by GitHub) must be the head of that pull request.
    if (meta.headSha !== run.head_sha)
      return error(
        `the artifact names commit ${meta.headSha}, but run ${run.id} built ${run.head_sha}: not posting`,
      );
    const listed = run.pull_requests ?? [];
    if (listed.length > 0 && !listed.some((p) => p.number === meta.number))
      return error(
        `the artifact names pull request #${meta.number}, but run ${run.id} belongs to ${listed.map((p) => `#${p.number}`).join(", ")}: not posting`,
      );
    const pr = /** @type {{ head?: { sha?: string } }} */ (await call("GET", `/pulls/${meta.number}`));
    if (pr.head?.sha !== run.head_sha)
      return error(
        `pull request #${meta.number} has head ${pr.head?.sha ?? "?"}, but run ${run.id} built ${run.head_sha}: either the pull request moved on (the run for its new head posts) or the artifact names another pull request; not posting`,
      );

    /** @type {{ id: number, body?: string, user?: { login?: string } | null }[]} */
    const comments = [];
    for (let page = 1; ; page++) {
      const batch = /** @type {typeof comments} */ (
        await call("GET", `/issues/${meta.number}/comments?per_page=100&page=${page}`)
      );
      comments.push(...batch);
      if (batch.length < 100) break;
    }
    const mine = comments.find((c) => c.user?.login === BOT_LOGIN && (c.body ?? "").startsWith(MARKER));
    const link = runLink(run) || `review run ${run.id}`;

    if (meta.attempts === 0 && !mine)
      return notice(`pull request #${meta.number} adds or changes no attempt folder: nothing to post`);
    const { body, cut } = composeBody({
      header: header(run, meta),
      review:
        meta.attempts === 0
          ? `No attempt folder was added or changed at this commit: nothing to review.\n\n${meta.review}`
          : meta.review,
      cutNote: (shown, total) =>
        `> ✂️ Cut here: the review is longer than a comment holds (${shown} of ${total} lines shown). ` +
        `The whole review is in the \`${ARTIFACT_NAME}\` artifact of the ${link}.`,
    });
    if (cut) log(`the review was cut to ${body.length} characters`);
    const done = /** @type {{ id: number, html_url?: string }} */ (
      mine
        ? await call("PATCH", `/issues/comments/${mine.id}`, { body })
        : await call("POST", `/issues/${meta.number}/comments`, { body })
    );
    log(
      `${mine ? "updated" : "created"} comment ${done.id} on pull request #${meta.number}${done.html_url ? `: ${done.html_url}` : ""}`,
    );
    return 0;
  } catch (e) {
    return error(e instanceof Error ? e.message : String(e));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await postReview({ env: process.env, dir: process.argv[2] });
}

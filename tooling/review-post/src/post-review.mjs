#!/usr/bin/env node
// @ts-check
// The privileged half: run by .github/workflows/review-comment.yml on workflow_run, from the default branch's
// checkout, with plain `node` (Node built-ins only, nothing installed, no code of the pull request run).
//
// It downloads the "kata-review" artifact of the finished review run, checks that the pull request the artifact
// names is the one that run built (its head SHA is the run's head_sha), escapes the review, and creates the bot's
// comment on that pull request or edits the one it made before (found by MARKER at the start of a comment by
// github-actions[bot]). Exit codes:
//   0  posted or updated; or nothing to post: the run was not for a pull request, it ended (failed, cancelled)
//      without leaving an artifact, or no attempt folder changed and there is no earlier comment to update
//   1  refused or failed: a successful run without its artifact, an artifact that is not what the review
//      workflow writes, a pull request number that does not match the run, an API error
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { META_FILE, parseJson, parseMeta, REVIEW_FILE, reviewText } from "./artifact.mjs";
import { ARTIFACT_NAME, github } from "./github.mjs";
import { composeBody, MARKER } from "./markdown.mjs";
import { unzip } from "./zip.mjs";

export const BOT_LOGIN = "github-actions[bot]";

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

/**
 * @param {number} n
 * @param {string} one
 */
const plural = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;

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
 * @param {{ env: NodeJS.ProcessEnv, log?: (line: string) => void }} options
 * @returns {Promise<number>} the exit code
 */
export async function postReview({ env, log = (line) => console.log(line) }) {
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

  const api = github({
    apiUrl: env.GITHUB_API_URL || "https://api.github.com",
    token: GITHUB_TOKEN,
    repo: GITHUB_REPOSITORY,
  });
  const bot = env.REVIEW_BOT_LOGIN || BOT_LOGIN;

  try {
    const artifact = await api.findArtifact(run.id);
    if (!artifact) {
      if (run.conclusion === "success")
        return error(
          `the review run ${run.id} succeeded but left no "${ARTIFACT_NAME}" artifact (or it expired)`,
        );
      return notice(
        `the review run ${run.id} ended ${run.conclusion ?? "without a conclusion"} before leaving a "${ARTIFACT_NAME}" artifact: nothing to post (its log says why)`,
      );
    }
    log(`artifact "${ARTIFACT_NAME}" (${artifact.id}, ${artifact.size} bytes) of run ${run.id}`);
    let files;
    try {
      files = unzip(await api.downloadArtifact(artifact.id));
    } catch (e) {
      return error(`the artifact of run ${run.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    let meta;
    try {
      meta = parseMeta(files.get(META_FILE));
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
    const pr = await api.pullRequest(meta.number);
    if (pr.head?.sha !== run.head_sha)
      return error(
        `pull request #${meta.number} has head ${pr.head?.sha ?? "?"}, but run ${run.id} built ${run.head_sha}: either the pull request moved on (the run for its new head posts) or the artifact names another pull request; not posting`,
      );

    const comments = await api.comments(meta.number);
    const mine = comments.find((c) => c.user?.login === bot && (c.body ?? "").startsWith(MARKER));
    const review = reviewText(files.get(REVIEW_FILE));
    const link = runLink(run) || `review run ${run.id}`;

    if (meta.attempts === 0 && !mine)
      return notice(`pull request #${meta.number} adds or changes no attempt folder: nothing to post`);
    const { body, cut } = composeBody({
      header: header(run, meta),
      review:
        meta.attempts === 0
          ? `No attempt folder was added or changed at this commit: nothing to review.\n\n${review}`
          : review,
      cutNote: (shown, total) =>
        `> ✂️ Cut here: the review is longer than a comment holds (${shown} of ${total} lines shown). ` +
        `The whole review is in the \`${ARTIFACT_NAME}\` artifact of the ${link}.`,
    });
    if (cut) log(`the review was cut to ${body.length} characters`);
    if (mine) {
      const updated = await api.updateComment(mine.id, body);
      log(
        `updated comment ${updated.id} on pull request #${meta.number}${updated.html_url ? `: ${updated.html_url}` : ""}`,
      );
    } else {
      const created = await api.createComment(meta.number, body);
      log(
        `created comment ${created.id} on pull request #${meta.number}${created.html_url ? `: ${created.html_url}` : ""}`,
      );
    }
    return 0;
  } catch (e) {
    return error(e instanceof Error ? e.message : String(e));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await postReview({ env: process.env });
}

import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { MARKER } from "../src/markdown.mjs";
import { postReview } from "../src/post-review.mjs";
import { BOT, fakeGitHub, REPO, tempDir, TOKEN, writeEvent } from "./helpers.ts";

const HEAD = "a".repeat(40);
const OTHER = "b".repeat(40);
const PR = 7;

let api: Awaited<ReturnType<typeof fakeGitHub>>;
let tmp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  api = await fakeGitHub();
  tmp = tempDir("review-post-");
});
afterEach(async () => {
  await api.close();
  tmp.remove();
});

/** The folder download-artifact fills with a run's artifact. */
const folder = (runId: number) => path.join(tmp.dir, `artifact-${runId}`);

/** The artifact of a run, as download-artifact leaves it: its files in the run's folder. */
function artifact(runId: number, files: Record<string, string>) {
  mkdirSync(folder(runId), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder(runId), name), text);
}

/** The artifact the review workflow writes. */
function review(
  runId: number,
  text: string,
  meta: Record<string, unknown> = { number: PR, headSha: HEAD, attempts: 1, skipped: 0 },
) {
  artifact(runId, { "pr.json": JSON.stringify(meta), "review.md": text });
}

/** One run of the poster for a workflow_run event; the lines it logged. */
async function post(run: Record<string, unknown>) {
  const lines: string[] = [];
  const code = await postReview({
    env: {
      GITHUB_EVENT_PATH: writeEvent(tmp.dir, {
        event: "pull_request",
        conclusion: "success",
        head_sha: HEAD,
        html_url: `https://github.com/${REPO}/actions/runs/${String(run.id)}`,
        pull_requests: [],
        ...run,
      }),
      GITHUB_REPOSITORY: REPO,
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: api.url,
    },
    dir: folder(Number(run.id)),
    log: (line) => lines.push(line),
  });
  return { code, log: lines.join("\n") };
}

const botComments = () => api.state.comments.filter((c) => c.user.login === BOT && c.body.startsWith(MARKER));

describe("posting", () => {
  it("creates the comment, then a second run edits the same one instead of adding another", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    // Someone else's comment that quotes the marker is not the bot's and is left alone.
    api.state.comments.push({ id: 1, issue: PR, body: `${MARKER}\nmine`, user: { login: "alice" } });

    review(101, "## Review of 04-3-iterative-echo — `attempts/alice/04-3`\n\nfirst");
    const first = await post({ id: 101 });
    expect(first.code).toBe(0);
    expect(first.log).toMatch(/created comment \d+ on pull request #7/);
    expect(botComments()).toHaveLength(1);
    const [comment] = botComments();
    expect(comment?.body.startsWith(`${MARKER}\n**Kata review** · commit \`aaaaaaa\` · [review run](`)).toBe(
      true,
    );
    expect(comment?.body).toContain("1 attempt reviewed\n");
    expect(comment?.body).toContain("first");

    review(102, "## Review of 04-3-iterative-echo — `attempts/alice/04-3`\n\nsecond");
    const second = await post({ id: 102 });
    expect(second.code).toBe(0);
    expect(second.log).toMatch(new RegExp(`updated comment ${comment?.id} on pull request #7`));
    expect(botComments()).toHaveLength(1);
    expect(botComments()[0]?.body).toContain("second");
    expect(botComments()[0]?.body).not.toContain("first");
    expect(api.state.comments.find((c) => c.id === 1)?.body).toBe(`${MARKER}\nmine`);
    expect(api.state.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(api.state.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("finds its earlier comment past the first page of comments", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    for (let i = 0; i < 150; i++)
      api.state.comments.push({ id: i + 1, issue: PR, body: "hi", user: { login: "bob" } });
    api.state.comments.push({ id: 999, issue: PR, body: `${MARKER}\nold`, user: { login: BOT } });
    review(103, "new");
    expect((await post({ id: 103 })).code).toBe(0);
    expect(api.state.comments.find((c) => c.id === 999)?.body).toContain("new");
    expect(botComments()).toHaveLength(1);
  });

  it("escapes what the artifact says before it posts it", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    review(
      105,
      `hi @maintainer and @study/everyone, see #1 and ${REPO}#2 <img src=x onerror=alert(1)>\n${MARKER}`,
    );
    expect((await post({ id: 105 })).code).toBe(0);
    const body = botComments()[0]?.body ?? "";
    expect(body).toContain("@\u200Bmaintainer");
    expect(body).toContain("@\u200Bstudy/everyone");
    expect(body).toContain("#\u200B1");
    expect(body).toContain(`${REPO}#\u200B2`);
    expect(body).toContain("&lt;img src=x");
    expect(body.split(MARKER)).toHaveLength(2);
  });

  it("cuts an over-long review under GitHub's limit, with a note", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    review(106, `## Long\n\n\`\`\`text\n${"a line of output\n".repeat(10_000)}\`\`\`\n`);
    expect((await post({ id: 106 })).code).toBe(0);
    const body = botComments()[0]?.body ?? "";
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/✂️ Cut here: .* lines shown\)/);
    // The block the cut fell in is closed before the note.
    expect(body).toMatch(/\na line[^\n]*\n```\n\n> ✂️/);
  });
});

describe("refusing", () => {
  it("a successful run without its artifact is an error; nothing is posted", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    const { code, log } = await post({ id: 201 });
    expect(code).toBe(1);
    expect(log).toMatch(/::error::the review run 201 succeeded but left no "kata-review" artifact/);
    expect(api.state.comments).toHaveLength(0);
  });

  it("a run that failed before it left an artifact: nothing to post, and no error", async () => {
    const { code, log } = await post({ id: 202, conclusion: "failure" });
    expect(code).toBe(0);
    expect(log).toMatch(/::notice::the review run 202 ended failure before leaving a "kata-review" artifact/);
    expect(api.state.comments).toHaveLength(0);
  });

  it("an empty folder counts as missing (download-artifact makes it, then finds the artifact expired)", async () => {
    artifact(203, {});
    expect((await post({ id: 203 })).log).toMatch(/::error::the review run 203 succeeded but left no/);
  });

  it("a pull request whose head is not the commit the run built (a fork's run: pull_requests is empty)", async () => {
    api.state.pulls.set(PR, { head: { sha: OTHER } });
    review(204, "forged");
    const { code, log } = await post({ id: 204, pull_requests: [] });
    expect(code).toBe(1);
    expect(log).toMatch(/::error::pull request #7 has head b{40}, but run 204 built a{40}/);
    expect(api.state.comments).toHaveLength(0);
  });

  it("an artifact naming another pull request than the run lists", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    review(205, "x");
    const { code, log } = await post({ id: 205, pull_requests: [{ number: 8 }] });
    expect(code).toBe(1);
    expect(log).toMatch(/names pull request #7, but run 205 belongs to #8/);
    expect(api.state.comments).toHaveLength(0);
  });

  it("an artifact naming another commit than the run built", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    review(206, "x", { number: PR, headSha: OTHER, attempts: 1 });
    expect((await post({ id: 206 })).code).toBe(1);
    expect(api.state.comments).toHaveLength(0);
  });

  it("a pull request that does not exist", async () => {
    review(207, "x");
    const { code, log } = await post({ id: 207 });
    expect(code).toBe(1);
    expect(log).toMatch(/GET \/pulls\/7: 404/);
  });

  it("an artifact that is not the review workflow's: no pr.json, bad fields, a link, too big", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    artifact(208, { "review.md": "x" });
    expect((await post({ id: 208 })).log).toMatch(/has no pr\.json/);
    review(209, "x", { number: "7\n::warning::hi", headSha: HEAD });
    const bad = await post({ id: 209 });
    expect(bad.code).toBe(1);
    expect(bad.log).toMatch(/"number" is not a pull request number/);
    // A link could point at a file of the privileged runner: it is not followed.
    artifact(210, { "review.md": "x" });
    symlinkSync(writeEvent(tmp.dir, { id: 210 }), path.join(folder(210), "pr.json"));
    expect((await post({ id: 210 })).log).toMatch(/pr\.json is not a file this poster reads/);
    review(211, "x".repeat(4 * 1024 * 1024 + 1));
    expect((await post({ id: 211 })).log).toMatch(/review\.md is 4194305 bytes \(at most 4194304\)/);
    expect(api.state.comments).toHaveLength(0);
  });
});

describe("nothing to post", () => {
  it("no attempt changed and no earlier comment: no comment", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    review(301, "No `.ts` file under `attempts/` was added or changed.", {
      number: PR,
      headSha: HEAD,
      attempts: 0,
      skipped: 0,
    });
    const { code, log } = await post({ id: 301 });
    expect(code).toBe(0);
    expect(log).toMatch(/::notice::pull request #7 adds or changes no attempt folder: nothing to post/);
    expect(api.state.comments).toHaveLength(0);
  });

  it("no attempt changed any more: the earlier comment says so", async () => {
    api.state.pulls.set(PR, { head: { sha: HEAD } });
    api.state.comments.push({ id: 5, issue: PR, body: `${MARKER}\nold review`, user: { login: BOT } });
    review(302, "### Skipped\n\n- `attempts/notes`", {
      number: PR,
      headSha: HEAD,
      attempts: 0,
      skipped: 1,
    });
    expect((await post({ id: 302 })).code).toBe(0);
    expect(api.state.comments).toHaveLength(1);
    expect(api.state.comments[0]?.body).toContain("No attempt folder was added or changed at this commit");
    expect(api.state.comments[0]?.body).not.toContain("old review");
  });

  it("a run that was not for a pull request", async () => {
    const { code, log } = await post({ id: 303, event: "push" });
    expect(code).toBe(0);
    expect(log).toMatch(/started by push, not a pull request/);
    expect(api.state.requests).toHaveLength(0);
  });
});

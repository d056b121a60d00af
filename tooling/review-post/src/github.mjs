// @ts-check
// The few GitHub REST calls the poster makes, with the global fetch. The base URL is GITHUB_API_URL (set on every
// Actions runner; tests point it at a fake server).
import { parseJson } from "./artifact.mjs";

/** The artifact the pull_request workflow uploads and this poster reads. */
export const ARTIFACT_NAME = "kata-review";

/** Largest artifact zip downloaded (the review is Markdown; anything near this is not one). */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {Response} res
 * @param {number} max
 */
async function readCapped(res, max) {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) throw new Error(`the artifact is ${declared} bytes (at most ${max})`);
  if (!res.body) return Buffer.alloc(0);
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (res.body)) {
    size += chunk.length;
    if (size > max) throw new Error(`the artifact is over ${max} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * @param {{ apiUrl: string, token: string, repo: string }} options
 */
export function github({ apiUrl, token, repo }) {
  const base = apiUrl.replace(/\/+$/, "");
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "user-agent": "tcp-katas-review-post",
    "x-github-api-version": "2022-11-28",
  };

  /**
   * @param {string} method
   * @param {string} path under /repos/{owner}/{repo}
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    const res = await fetch(`${base}/repos/${repo}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = /** @type {{ message?: unknown }} */ (parseJson(text));
        if (typeof parsed.message === "string") message = parsed.message;
      } catch {
        // not JSON: the start of the text says enough
      }
      throw new ApiError(`${method} ${path}: ${res.status} ${message}`, res.status);
    }
    return text ? parseJson(text) : undefined;
  }

  return {
    /**
     * The review artifact of a workflow run, or undefined when the run left none (or it expired).
     * @param {number} runId
     * @returns {Promise<{ id: number, size: number } | undefined>}
     */
    async findArtifact(runId) {
      const list =
        /** @type {{ artifacts?: { id: number, name: string, expired?: boolean, size_in_bytes?: number }[] }} */ (
          await call("GET", `/actions/runs/${runId}/artifacts?name=${ARTIFACT_NAME}&per_page=100`)
        );
      const found = (list.artifacts ?? []).find((a) => a.name === ARTIFACT_NAME && !a.expired);
      return found ? { id: found.id, size: found.size_in_bytes ?? 0 } : undefined;
    },

    /**
     * The zip of an artifact. The API answers with a redirect to a short-lived storage URL, followed here by hand
     * so the token is sent to the API only, never to the storage host.
     * @param {number} artifactId
     */
    async downloadArtifact(artifactId) {
      const path = `/actions/artifacts/${artifactId}/zip`;
      const res = await fetch(`${base}/repos/${repo}${path}`, { headers, redirect: "manual" });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location) throw new ApiError(`GET ${path}: ${res.status} without a Location`, res.status);
        const blob = await fetch(new URL(location, `${base}/`), {
          headers: { "user-agent": headers["user-agent"] },
        });
        if (!blob.ok) throw new ApiError(`GET (artifact storage): ${blob.status}`, blob.status);
        return readCapped(blob, MAX_ARTIFACT_BYTES);
      }
      if (!res.ok) throw new ApiError(`GET ${path}: ${res.status}`, res.status);
      return readCapped(res, MAX_ARTIFACT_BYTES);
    },

    /**
     * @param {number} number
     * @returns {Promise<{ number: number, head: { sha: string, repo?: { full_name?: string } | null } }>}
     */
    async pullRequest(number) {
      return /** @type {{ number: number, head: { sha: string } }} */ (await call("GET", `/pulls/${number}`));
    },

    /**
     * Every comment on an issue or pull request, page by page.
     * @param {number} number
     * @returns {Promise<{ id: number, body?: string, user?: { login?: string } | null }[]>}
     */
    async comments(number) {
      /** @type {{ id: number, body?: string, user?: { login?: string } | null }[]} */
      const all = [];
      for (let page = 1; ; page++) {
        const batch = /** @type {typeof all} */ (
          await call("GET", `/issues/${number}/comments?per_page=100&page=${page}`)
        );
        all.push(...batch);
        if (batch.length < 100) return all;
      }
    },

    /**
     * @param {number} number
     * @param {string} body
     * @returns {Promise<{ id: number, html_url?: string }>}
     */
    async createComment(number, body) {
      return /** @type {{ id: number }} */ (await call("POST", `/issues/${number}/comments`, { body }));
    },

    /**
     * @param {number} commentId
     * @param {string} body
     * @returns {Promise<{ id: number, html_url?: string }>}
     */
    async updateComment(commentId, body) {
      return /** @type {{ id: number }} */ (await call("PATCH", `/issues/comments/${commentId}`, { body }));
    },
  };
}

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string };
}

export interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
}

export const TOKEN = "test-token";
export const REPO = "study/tcp-ip-katas";
export const BOT = "github-actions[bot]";

/** A fake GitHub REST API on 127.0.0.1, port 0: pull requests, and issue comments kept in memory. */
export async function fakeGitHub() {
  const state = {
    pulls: new Map<number, { head: { sha: string } }>(),
    comments: [] as Comment[],
    requests: [] as Recorded[],
    nextId: 1000,
  };
  const prefix = `/repos/${REPO}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      state.requests.push({
        method: req.method ?? "",
        url: url.pathname,
        authorization: req.headers.authorization,
      });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { message: "Bad credentials" });
      if (!url.pathname.startsWith(prefix)) return json(404, { message: "Not Found" });
      const p = url.pathname.slice(prefix.length);
      let m: RegExpExecArray | null;
      if (req.method === "GET" && (m = /^\/pulls\/(\d+)$/.exec(p))) {
        const pr = state.pulls.get(Number(m[1]));
        return pr ? json(200, { number: Number(m[1]), ...pr }) : json(404, { message: "Not Found" });
      }
      if ((m = /^\/issues\/(\d+)\/comments$/.exec(p))) {
        const issue = Number(m[1]);
        if (req.method === "GET") {
          const perPage = Number(url.searchParams.get("per_page") ?? 30);
          const page = Number(url.searchParams.get("page") ?? 1);
          const all = state.comments.filter((c) => c.issue === issue);
          return json(200, all.slice((page - 1) * perPage, page * perPage));
        }
        if (req.method === "POST") {
          const { body } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { body: string };
          const comment = { id: state.nextId++, issue, body, user: { login: BOT } };
          state.comments.push(comment);
          return json(201, comment);
        }
      }
      if (req.method === "PATCH" && (m = /^\/issues\/comments\/(\d+)$/.exec(p))) {
        const comment = state.comments.find((c) => c.id === Number(m?.[1]));
        if (!comment) return json(404, { message: "Not Found" });
        comment.body = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { body: string }).body;
        return json(200, comment);
      }
      return json(404, { message: `no route for ${req.method} ${p}` });
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A workflow_run event file, as GITHUB_EVENT_PATH points at. */
export function writeEvent(dir: string, run: Record<string, unknown>): string {
  const file = path.join(dir, `event-${String(run.id)}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ action: "completed", workflow_run: run }));
  return file;
}

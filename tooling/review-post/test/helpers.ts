import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateRawSync } from "node:zlib";

import { crc32 } from "../src/zip.mjs";

/** A zip archive as upload-artifact makes one: deflated (or stored) entries, a central directory, its end. */
export function makeZip(entries: { name: string; data: string | Buffer; stored?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, "utf8");
    const packed = entry.stored ? data : deflateRawSync(data);
    const name = Buffer.from(entry.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

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

/**
 * A fake GitHub REST API on 127.0.0.1, port 0: artifacts by run, the artifact zip behind a redirect to a
 * "storage" path of its own, pull requests, and issue comments kept in memory.
 */
export async function fakeGitHub() {
  const state = {
    artifacts: new Map<number, { id: number; zip: Buffer; expired?: boolean }>(),
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
      const blob = /^\/storage\/(\d+)$/.exec(url.pathname);
      if (blob) {
        const artifact = [...state.artifacts.values()].find((a) => a.id === Number(blob[1]));
        if (!artifact) return json(404, { message: "Not Found" });
        res.writeHead(200, { "content-type": "application/zip" });
        return res.end(artifact.zip);
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { message: "Bad credentials" });
      if (!url.pathname.startsWith(prefix)) return json(404, { message: "Not Found" });
      const p = url.pathname.slice(prefix.length);
      let m: RegExpExecArray | null;
      if (req.method === "GET" && (m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(p))) {
        const a = state.artifacts.get(Number(m[1]));
        return json(200, {
          total_count: a ? 1 : 0,
          artifacts: a
            ? [{ id: a.id, name: "kata-review", size_in_bytes: a.zip.length, expired: a.expired ?? false }]
            : [],
        });
      }
      if (req.method === "GET" && (m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(p))) {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/storage/${m[1]}` });
        return res.end();
      }
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

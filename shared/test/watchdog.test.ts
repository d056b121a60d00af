// The beats stuck-worker detection reads, and the watcher that kills a silent worker with everything it started.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import { beatFile, isAlive, readBeats, stuckBeats, writeBeat } from "../src/watchdog/beats.ts";
import { processTree, stuckMessage, watchBeats } from "../src/watchdog/global-setup.ts";

beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

function beatDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "beat-test-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const put = (dir: string, name: string, beat: unknown) =>
  writeFileSync(path.join(dir, `${name}.beat.json`), JSON.stringify(beat));

describe("stuckBeats", () => {
  it("reports a live worker whose beat is older than the limit, the longest silent first, and no other", () => {
    const dir = beatDir();
    put(dir, "a", { pid: 11, at: 1_000, test: "t > slow" });
    put(dir, "b", { pid: 12, at: 500, file: "/k/test/x.test.ts" });
    put(dir, "c", { pid: 13, at: 9_500 });
    put(dir, "dead", { pid: 14, at: 0 });
    const stuck = stuckBeats(dir, 5_000, 10_000, (pid) => pid !== 14);
    expect(stuck).toEqual([
      { pid: 12, at: 500, file: "/k/test/x.test.ts", silentMs: 9_500 },
      { pid: 11, at: 1_000, test: "t > slow", silentMs: 9_000 },
    ]);
  });

  it("counts a beat exactly at the limit as stuck", () => {
    const dir = beatDir();
    put(dir, "a", { pid: 11, at: 5_000 });
    expect(stuckBeats(dir, 5_000, 10_000, () => true)).toHaveLength(1);
    expect(stuckBeats(dir, 5_001, 10_000, () => true)).toHaveLength(0);
  });

  it("skips files that are not beats: cut, of the wrong shape, or named otherwise", () => {
    const dir = beatDir();
    writeFileSync(path.join(dir, "cut.beat.json"), '{"pid": 1, "at"');
    put(dir, "nopid", { at: 1 });
    put(dir, "textpid", { pid: "1", at: 1 });
    put(dir, "noat", { pid: 1 });
    put(dir, "badtest", { pid: 1, at: 1, test: 3 });
    put(dir, "badfile", { pid: 1, at: 1, file: {} });
    put(dir, "null", null);
    writeFileSync(path.join(dir, "other.json"), JSON.stringify({ pid: 1, at: 1 }));
    expect(readBeats(dir)).toEqual([]);
    expect(readBeats(path.join(dir, "missing"))).toEqual([]);
  });

  it("reads back what a worker wrote, with this process's pid, and ignores a live process that beats", () => {
    const dir = beatDir();
    writeBeat(dir, { file: "f.test.ts", test: "a > b" }, 42);
    expect(path.dirname(beatFile(dir))).toBe(dir);
    expect(readBeats(dir)).toEqual([{ pid: process.pid, at: 42, file: "f.test.ts", test: "a > b" }]);
    writeBeat(dir, {});
    expect(stuckBeats(dir, 5_000)).toEqual([]);
  });
});

/** The process tree of a process that starts one child, once that child is there. */
async function treeOfTwo(pid: number): Promise<number[]> {
  let tree = processTree(pid);
  for (let i = 0; i < 250 && tree.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    tree = processTree(pid);
  }
  return tree;
}

describe("the watcher", () => {
  it("names the test, else the file, else says a test file", () => {
    expect(stuckMessage({ pid: 1, at: 0, test: "s > t", file: "/a/b.test.ts", silentMs: 12_400 })).toMatch(
      /^The tests were stopped: "s > t" ran for 12 s without letting the event loop run\.\nA loop that never waits/,
    );
    expect(stuckMessage({ pid: 1, at: 0, file: "/a/b.test.ts", silentMs: 1_000 })).toContain('"b.test.ts"');
    expect(stuckMessage({ pid: 1, at: 0, test: "", silentMs: 1_000 })).toContain('"a test file"');
  });

  it("lists a process's descendants before it, and the pid alone when it has none", async () => {
    const parent = spawn(process.execPath, [
      "-e",
      "require('child_process').spawn('sleep', ['30']); setInterval(() => {}, 1000)",
    ]);
    onTestFinished(() => {
      for (const pid of processTree(parent.pid ?? 0)) process.kill(pid, "SIGKILL");
    });
    const tree = await treeOfTwo(parent.pid ?? 0);
    expect(tree).toHaveLength(2);
    expect(tree.at(-1)).toBe(parent.pid);
    expect(processTree(tree[0] ?? 0)).toEqual([tree[0]]);
  });

  it("kills a silent worker and what it started, once, and says so", async () => {
    const dir = beatDir();
    const worker = spawn(process.execPath, [
      "-e",
      "require('child_process').spawn('sleep', ['30']); setInterval(() => {}, 1000)",
    ]);
    onTestFinished(() => {
      if (worker.exitCode === null) worker.kill("SIGKILL");
    });
    const grandchild = (await treeOfTwo(worker.pid ?? 0))[0];
    put(dir, "w", { pid: worker.pid, at: Date.now() - 60_000, test: "s > spins" });
    const said: string[] = [];
    const unwatch = watchBeats(dir, { afterMs: 1_000, everyMs: 20, write: (t) => said.push(t) });
    onTestFinished(unwatch);
    const [, signal] = (await once(worker, "exit")) as [number | null, string | null];
    expect(signal).toBe("SIGKILL");
    expect(grandchild).not.toBe(worker.pid);
    // killed, it may linger as a zombie until it is reaped
    for (let i = 0; i < 250 && isAlive(grandchild ?? 0); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(grandchild ?? 0)).toBe(false);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('"s > spins" ran for 60 s');
  });
});

// Commands that run a kata's tests or its programs (list, dev check, review, capture), on the fixture workspace's kata.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { findTcpdump } from "../src/capture.ts";
import { KATA, kata, SLOW, tempDir, workspace } from "./helpers.ts";

describe("list and dev check", SLOW, () => {
  it("shows every kata and stage of the starter, counted from the manifests, and the next step", async () => {
    const r = await kata(["list"], { cwd: workspace() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/01-1-tiny {2}A tiny kata/);
    expect(r.stdout).toMatch(/stage 1 +not started +hello\.ts greets/);
    expect(r.stdout).toContain("0/2 stages done.");
    expect(r.stdout).toContain("Next: edit chapters/01-1-tiny/starter");
    expect(r.stdout).not.toContain("unchanged");
  });

  it("shows an unchanged kata's last result without running it, and runs it again once a file changes", async () => {
    const ws = workspace();
    const first = await kata(["list"], { cwd: ws });
    const again = await kata(["list"], { cwd: ws });
    expect(again.stdout).toContain(
      "01-1-tiny  A tiny kata  (no file changed since its last run: that result)",
    );
    expect(again.stdout).toContain(
      "1 of 1 katas unchanged since the last board: their last results are shown (pnpm kata list --fresh runs them all).",
    );
    // The same board, but for those notes.
    expect(
      again.stdout
        .replace("  (no file changed since its last run: that result)", "")
        .replace(/^1 of 1 katas unchanged.*\n/m, ""),
    ).toBe(first.stdout);
    // Solving stage 2 in the starter changes the key: the kata runs, and the board shows it.
    cpSync(path.join(ws, KATA, "solution/shout.ts"), path.join(ws, KATA, "starter/shout.ts"));
    const edited = await kata(["list"], { cwd: ws });
    expect(edited.stdout).not.toContain("unchanged");
    expect(edited.stdout).toMatch(/stage 2 +done +shout\(\) in capitals/);
  });

  it("list --fresh runs every kata, and stores what it found for the next board", async () => {
    const ws = workspace();
    const fresh = await kata(["list", "--fresh"], { cwd: ws });
    expect(fresh.stdout).not.toContain("unchanged");
    expect(fresh.stdout).toMatch(/stage 1 +not started/);
    expect((await kata(["list"], { cwd: ws })).stdout).toContain("(no file changed since its last run");
    expect((await kata(["list", "--fresh"], { cwd: ws })).stdout).not.toContain("unchanged");
  });

  it("proves the committed starter unsolved even when the learner has solved it in the working copy", async () => {
    const ws = workspace();
    cpSync(path.join(ws, KATA, "solution"), path.join(ws, KATA, "starter"), { recursive: true });
    const learner = await kata(["dev", "check", "."], { cwd: ws, env: {} });
    expect(learner.code, learner.stdout + learner.stderr).toBe(2);
    const ok = await kata(["dev", "check", "01-1"], { cwd: ws });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain("✓ 01-1-tiny: 2 stages unsolved in the committed starter/");
    // Committed, a solved starter is a maintainer's mistake, and dev check says which stage.
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "solved"], {
      cwd: ws,
    });
    const solved = await kata(["dev", "check", "01-1"], { cwd: ws });
    expect(solved.code).toBe(1);
    expect(solved.stdout).toContain("stage 1 is already solved by the committed starter/");
  });

  it("dev check . works inside a kata folder and is refused elsewhere", async () => {
    const ws = workspace();
    const inside = await kata(["dev", "check", "."], { cwd: path.join(ws, KATA) });
    expect(inside.code, inside.stdout).toBe(0);
    const outside = await kata(["dev", "check", "."], { cwd: path.join(ws, "chapters") });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("is not a kata folder");
  });

  it("dev check names a test file that is in no stage", async () => {
    const ws = workspace();
    mkdirSync(path.join(ws, KATA, "test/extra"), { recursive: true });
    writeFileSync(
      path.join(ws, KATA, "test/extra/stray.test.ts"),
      'import { it } from "vitest";\nit("x", () => undefined);\n',
    );
    const r = await kata(["dev", "check", "01-1"], { cwd: ws });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("test/extra/stray.test.ts is in no stage");
  });
});

describe("review", SLOW, () => {
  it("writes a Markdown report for one attempt, and refuses to run without one", async () => {
    const ws = workspace();
    const alice = path.join(tempDir(), "alice");
    cpSync(path.join(ws, KATA, "solution"), alice, { recursive: true });
    const one = await kata(["review", "01-1", "--impl", alice], { cwd: ws });
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toContain("## Kata review: 01-1-tiny");
    expect(one.stdout).toContain("| 1. hello.ts greets | ✅ pass | 2/2 |");
    expect(one.stdout).toContain("+0 / −0 lines");
    const neither = await kata(["review", "01-1"], { cwd: ws });
    expect(neither.code).toBe(2);
    const file = await kata(["review", "01-1", "--impl", path.join(alice, "hello.ts")], { cwd: ws });
    expect([file.code, file.stderr]).toEqual([2, expect.stringContaining("hello.ts does not exist")]);
  });

  it("says the size was not measured where git is missing, instead of crashing", async () => {
    const ws = workspace();
    const alice = path.join(tempDir(), "alice");
    cpSync(path.join(ws, KATA, "solution"), alice, { recursive: true });
    const bin = tempDir();
    symlinkSync(process.execPath, path.join(bin, "node"));
    const one = await kata(["review", "01-1", "--impl", alice], { cwd: ws, env: { PATH: bin } });
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toContain("The size was not measured: it takes git, which is not installed.");
    const all = await kata(["review", "01-1", "--all", path.dirname(alice)], { cwd: ws, env: { PATH: bin } });
    expect(all.stdout).toMatch(/\| alice \| ✅ pass \| ✅ pass \| 0 \| \? \|/);
  });

  it("writes a table for every attempt under a folder, in the folder's order, skipping what is no attempt", async () => {
    const ws = workspace();
    const root = tempDir();
    cpSync(path.join(ws, KATA, "solution"), path.join(root, "alice"), { recursive: true });
    cpSync(path.join(ws, KATA, "starter"), path.join(root, "bob"), { recursive: true });
    mkdirSync(path.join(root, "not-an-attempt"));
    const all = await kata(["review", "01-1", "--all", root], { cwd: ws });
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/\| alice \| ✅ pass \| ✅ pass \|/);
    expect(all.stdout).toMatch(/\| bob \| ❌ fail/);
    expect(all.stdout).not.toContain("not-an-attempt");
    expect(all.stdout.indexOf("| alice |")).toBeLessThan(all.stdout.indexOf("| bob |"));
  });
});

/** The fixture kata with a server in its demo: a server that says "hi" to one client, and that client. */
function withServerDemo(ws: string): void {
  const dir = path.join(ws, KATA);
  const server = [
    'import net from "node:net";',
    'import { program, runIfMain } from "@tcp-katas/shared/cli";',
    'export const main = program({ name: "greet-server.ts", params: ["<port>"] }, async ([port], io) => {',
    '  const server = net.createServer((s) => s.end("hi\\n", () => server.close()));',
    '  server.listen(Number(port), "127.0.0.1");',
    '  await new Promise((resolve) => server.on("close", resolve));',
    '  io.stdout.write("served one\\n");',
    "  return 0;",
    "});",
    "runIfMain(import.meta.url, main);",
  ].join("\n");
  const client = [
    'import net from "node:net";',
    'import { program, runIfMain } from "@tcp-katas/shared/cli";',
    'export const main = program({ name: "greet-client.ts", params: ["<IP>", "<port>"] }, async ([ip, port], io) => {',
    "  const socket = net.connect(Number(port), ip);",
    "  for await (const chunk of socket) io.stdout.write(chunk);",
    "  return 0;",
    "});",
    "runIfMain(import.meta.url, main);",
  ].join("\n");
  for (const side of ["solution", "starter"]) {
    writeFileSync(path.join(dir, side, "greet-server.ts"), server);
    writeFileSync(path.join(dir, side, "greet-client.ts"), client);
  }
  const manifest = JSON.parse(readFileSync(path.join(dir, "kata.json"), "utf8")) as {
    programs: unknown[];
    demo: unknown[];
  };
  manifest.programs.push(
    { file: "greet-server.ts", args: ["<port>"], stage: 1, role: "server", layer: "node" },
    { file: "greet-client.ts", args: ["<IP>", "<port>"], stage: 1, role: "client", layer: "node" },
  );
  manifest.demo = [
    { start: "server", program: "greet-server.ts", args: ["0"] },
    { start: "client", program: "greet-client.ts", args: ["127.0.0.1", "$PORT"] },
    { exit: "client" },
    { exit: "server" },
  ];
  writeFileSync(path.join(dir, "kata.json"), JSON.stringify(manifest));
}

describe("capture", SLOW, () => {
  it("says there is nothing to capture when the demo starts no server, and refuses a missing folder", async () => {
    const ws = workspace();
    const none = await kata(["capture", "01-1", "--out", path.join(tempDir(), "tiny.pcap")], { cwd: ws });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("01-1-tiny's demo starts no server on a port of its own");
    const bad = await kata(["capture", "01-1", "--out", path.join(tempDir(), "no/such/dir/x.pcap")], {
      cwd: ws,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("does not exist");
  });

  it("runs the demo under tcpdump and writes only its connections to a pcap, or says what is missing to capture", async () => {
    const ws = workspace();
    withServerDemo(ws);
    const out = path.join(tempDir(), "greet.pcap");
    const r = await kata(["capture", "01-1", "--out", out], { cwd: ws });
    if (findTcpdump() && process.getuid?.() === 0) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("[client]      hi");
      // One connection, whole: the handshake, "hi", both FINs and their ACKs; no packet of anyone else's.
      const packets = Number(/Captured (\d+) packets \(.+\) into /.exec(r.stdout)?.[1]);
      expect(packets).toBeGreaterThanOrEqual(7);
      expect(packets).toBeLessThanOrEqual(12);
      expect(readFileSync(out).readUInt32LE(0)).toBe(0xa1b2c3d4);
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/tcpdump (is not installed|may not capture)/);
    }
  });
});

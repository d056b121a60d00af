import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import { type ChildRun, spawnProgram } from "../src/testing/index.ts";

// Exact English texts: the language is pinned for this file only (the worker is shared across files).
// The children are plain scripts written here, so each one does exactly what a test needs (three in all).
let dir = "";
beforeAll(() => {
  useLang("en");
  dir = mkdtempSync(path.join(os.tmpdir(), "kata-spawn-"));
  // Odd IPC messages around the real ones: only { type: "params", params: [...] } and
  // { type: "listening", port: <number> } count, and a parameter that is not a string is dropped.
  writeFileSync(
    path.join(dir, "ipc.mjs"),
    [
      'process.send({ type: "params", params: [5, "<port>"] });',
      'process.send({ type: "nope", params: ["a", "<port>"] });',
      'process.send({ type: "nope", port: 777 });',
      'process.send({ type: "listening", port: "1234" });',
      'process.send({ type: "listening", port: 4321 });',
      "setInterval(() => undefined, 1000);",
    ].join("\n"),
  );
  // Echoes its stdin, says when it ends, and stays until a signal ends it.
  writeFileSync(
    path.join(dir, "echo.mjs"),
    [
      'process.stdin.on("data", (d) => process.stdout.write(d));',
      'process.stdin.on("end", () => process.stdout.write("|end"));',
      "setInterval(() => undefined, 1000);",
    ].join("\n"),
  );
  // Ignores SIGTERM, so only SIGKILL can end it.
  writeFileSync(
    path.join(dir, "stubborn.mjs"),
    [
      'process.on("SIGTERM", () => undefined);',
      'process.stdout.write("ready\\n");',
      "setInterval(() => undefined, 1000);",
    ].join("\n"),
  );
});
afterAll(() => {
  useLang(undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe("a child's IPC messages", () => {
  it("count only well-formed params and listening messages", async () => {
    const run = spawnProgram(path.join(dir, "ipc.mjs"), ["1234", "4321"], { deadlineMs: 10_000 });
    const err: unknown = await run.port().catch((e: unknown) => e);
    expect(err instanceof Error ? err.message.split("\n")[0] : err).toBe(
      "your program listens on port 4321, not on 1234 as asked: does the port passed to bind() come from the argument?",
    );
  });
});

describe("a child left running", () => {
  let left: ChildRun | undefined;

  it("is running at the end of its test", async () => {
    const run = spawnProgram(path.join(dir, "echo.mjs"), [], { deadlineMs: 10_000 });
    left = run;
    run.write("x");
    await run.waitForStdout("x");
    expect(run.running).toBe(true);
  });

  it("was ended with SIGTERM when its test ended (exit code 143)", () => {
    expect(left?.running).toBe(false);
    expect(left?.exitCode).toBe(143);
  });
});

describe("a child's stdin and signals", () => {
  it("is given the stdin asked for, ended, and SIGKILL ends it with 137", async () => {
    const run = spawnProgram(path.join(dir, "echo.mjs"), [], { stdin: "hello", deadlineMs: 10_000 });
    await run.waitForStdout("hello|end");
    run.stop("SIGKILL");
    expect(await run.waitForExit()).toBe(137);
  });

  it("SIGINT ends it with 130", async () => {
    const run = spawnProgram(path.join(dir, "echo.mjs"), [], { deadlineMs: 10_000 });
    run.write("hi");
    await run.waitForStdout("hi");
    run.stop("SIGINT");
    expect(await run.waitForExit()).toBe(130);
  });
});

describe("kill()", () => {
  it("sends SIGKILL after the grace time to a child that ignores SIGTERM", async () => {
    const run = spawnProgram(path.join(dir, "stubborn.mjs"), [], { deadlineMs: 10_000 });
    await run.waitForStdout("ready\n");
    await run.kill(100);
    expect(run.exitCode).toBe(137);
  });
});

// What the testing helpers close when a test ends (registerCleanup, connectLocal, spawnProgram), checked after
// the fact. vitest runs a test's onTestFinished callbacks last-registered first, so a check registered before a
// helper is called runs after that helper's own cleanup, and sees what it left.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

import {
  type ChildRun,
  connectLocal,
  listenLocal,
  registerCleanup,
  spawnProgram,
  type TestClient,
} from "../src/testing/index.ts";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kata-cleanup-"));
  // Echoes its stdin and stays until a signal ends it (SIGTERM's default: exit by signal).
  writeFileSync(
    path.join(dir, "stays.mjs"),
    'process.stdin.on("data", (d) => process.stdout.write(d));\nsetInterval(() => undefined, 1000);\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `check` once the test's cleanups have run (register it before the helpers it checks). */
const afterCleanups = (check: () => void) => onTestFinished(check);

describe("when a test ends, what the helpers opened is closed", () => {
  it("registerCleanup runs the function, and waits for it to finish", () => {
    let finished = false;
    afterCleanups(() => expect(finished, "the cleanup ran to its end").toBe(true));
    registerCleanup(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      finished = true;
    });
  });

  it("connectLocal's socket is destroyed", async () => {
    const server = await listenLocal();
    const made: { client?: TestClient } = {};
    afterCleanups(() => expect(made.client?.socket.destroyed, "the client socket is destroyed").toBe(true));
    made.client = await connectLocal(server.port);
    expect(made.client.socket.destroyed).toBe(false);
  });

  it("spawnProgram's child is ended with SIGTERM (exit 143) and waited for", async () => {
    const made: { run?: ChildRun } = {};
    afterCleanups(() => {
      expect(made.run?.running, "the child has ended").toBe(false);
      expect(made.run?.exitCode, "ended by SIGTERM: 128 + 15").toBe(143);
    });
    const run = spawnProgram(path.join(dir, "stays.mjs"), [], { deadlineMs: 10_000 });
    made.run = run;
    run.write("hi");
    await run.waitForStdout("hi");
    expect(run.running).toBe(true);
  });
});

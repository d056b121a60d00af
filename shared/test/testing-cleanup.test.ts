// What the testing helpers close when a test ends (registerCleanup, connectLocal, run), checked after the fact.
// vitest runs a test's onTestFinished callbacks last-registered first, so a check registered before a helper is
// called runs after that helper's own cleanup, and sees what it left.
import { describe, expect, it, onTestFinished } from "vitest";

import {
  connectLocal,
  listenLocal,
  load,
  type ProgramRun,
  registerCleanup,
  run,
  type TestClient,
  unload,
} from "../src/testing/index.ts";
import { fixture, until } from "./helpers.ts";

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

  it("listenLocal's server is closed, and the connections it took", async () => {
    const made: { server?: Awaited<ReturnType<typeof listenLocal>> } = {};
    afterCleanups(() => {
      expect(made.server?.server.listening, "the server listens no more").toBe(false);
      expect(made.server?.connections[0]?.destroyed, "its connection is destroyed").toBe(true);
    });
    made.server = await listenLocal();
    await connectLocal(made.server.port);
    await until("the server to take the connection", () => made.server?.connections.length === 1);
  });

  it("run()'s worker is ended, and waited for", async () => {
    const made: { run?: ProgramRun } = {};
    afterCleanups(() => {
      expect(made.run?.running, "the program has ended").toBe(false);
      // Worker.terminate() ends the thread with exit code 1.
      expect(made.run?.exitCode).toBe(1);
    });
    made.run = run(fixture("tiny-server.ts"), ["0"]);
    await made.run.port();
    expect(made.run.running).toBe(true);
  });

  it("run()'s process is killed (SIGKILL: exit code 137), and waited for", async () => {
    const made: { run?: ProgramRun } = {};
    afterCleanups(() => {
      expect(made.run?.running, "the process has ended").toBe(false);
      expect(made.run?.exitCode, "ended by SIGKILL: 128 + 9").toBe(137);
    });
    made.run = run(fixture("stubborn-server.ts"), ["0"], { process: true });
    await made.run.port();
    expect(made.run.running).toBe(true);
  });

  it("a run ended before its program was bundled never starts it", async () => {
    const started = run(fixture("tiny-server.ts"), ["0"]);
    await started.end();
    // A run started after it has had all the time it needs to listen.
    await run(fixture("tiny-server.ts"), ["0"]).port();
    expect(started.trace).toEqual([]);
    expect(started.exitCode).toBeUndefined();
    await started.end();
  });
});

describe("a module loaded with load()", () => {
  it("runs in a worker that does not keep the test's process alive, stopped by unload()", () => {
    const lib = load<typeof import("./fixtures/lib.ts")>(fixture("lib.ts"));
    expect(lib.add(1, 2)).toBe(3);
    unload(lib);
    unload(lib);
    expect(lib.add(2, 2)).toBe(4);
    unload(lib);
  });
});

import { once } from "node:events";
import { Worker } from "node:worker_threads";

import {
  connectLocal,
  expectBytes,
  registerCleanup,
  startProgram,
  type TestClient,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server-iterative-win.ts");
const { main } = await impl<Server>("hello-server-iterative-win.ts");

/**
 * A client in a worker thread, so that it can be reset synchronously from a callback of this thread: the
 * worker connects, then waits for the word; resetNow() gives it and blocks until the RST has been sent.
 */
async function resettableClient(port: number) {
  const flags = new Int32Array(new SharedArrayBuffer(12)); // [go: connect, reset: 1, state: 1 connected, 2 reset]
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const net = require("node:net");
     const flags = workerData.flags;
     (async () => {
       await Atomics.waitAsync(flags, 0, 0).value;
       const socket = net.connect({ host: "127.0.0.1", port: workerData.port });
       socket.on("error", () => undefined);
       socket.once("connect", async () => {
         Atomics.store(flags, 2, 1);
         Atomics.notify(flags, 2);
         parentPort.postMessage("connected");
         await Atomics.waitAsync(flags, 1, 0).value;
         socket.resetAndDestroy();
         Atomics.store(flags, 2, 2);
         Atomics.notify(flags, 2);
       });
     })();`,
    { eval: true, workerData: { flags, port } },
  );
  registerCleanup(() => worker.terminate());
  await new Promise<void>((resolve, reject) => {
    worker.once("online", resolve);
    worker.once("error", reject);
  });
  return {
    /** Connects, and resolves once connected (without blocking this thread: the server may run in it). */
    connect: async () => {
      const connected = once(worker, "message");
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      await connected;
    },
    resetNow: () => {
      // The worker's connect may still be under way: wait for it, then for the reset (bounded, never for ever).
      if (Atomics.wait(flags, 2, 0, 5_000) === "timed-out")
        throw new Error("The test's client did not connect.");
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      if (Atomics.wait(flags, 2, 1, 5_000) === "timed-out")
        throw new Error("The test's client did not reset.");
    },
  };
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `Connected client ${i + 1}\n`).join("");

describe("stage 2: it serves for ever, one client at a time, and counts", () => {
  it("ten clients one after another each get exactly Hello World! and then EOF", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const port = await run.port();
    for (let i = 1; i <= 10; i++) {
      const c = await connectLocal(port);
      expectBytes(await c.waitForEnd(), "Hello World!", `What client ${i} received`);
    }
    await run.waitForCount("Connected client", 10);
    expectBytes(run.stdout.text, lines(10), "The server's stdout");
    expect(run.running, "the server is still serving after ten clients").toBe(true);
    run.stop();
  });

  it("ten clients connecting at once are all served, one at a time, in order", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const port = await run.port();
    const clients: TestClient[] = await Promise.all(Array.from({ length: 10 }, () => connectLocal(port)));
    for (const [i, c] of clients.entries())
      expectBytes(await c.waitForEnd(), "Hello World!", `What client ${i + 1} received`);
    await run.waitForCount("Connected client", 10);
    expectBytes(run.stdout.text, lines(10), "The server's stdout");
    run.stop();
  });

  it("goes on when a client leaves before its greeting is sent (send() fails for that client only)", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const port = await run.port();
    const early = await resettableClient(port);
    // The moment accept() hands the server this client (traced as accept returns, before the server runs on
    // to send()), the client resets, and the test waits until the reset is sent. The server's send() then
    // fails: every time, not by luck of timing.
    // The early client is connected before the next one connects, so accept() hands it over first.
    const record = run.trace.push.bind(run.trace);
    let first = true;
    run.trace.push = (...events) => {
      if (first && events.some((e) => e.call === "accept")) {
        first = false;
        early.resetNow();
      }
      return record(...events);
    };
    await early.connect();
    const next = await connectLocal(port);
    expectBytes(await next.waitForEnd(), "Hello World!", "What the next client received");
    await run.waitForStdout("Connected client 2\n");
    expect(run.running, "the server is still serving").toBe(true);
    run.stop();
  });

  it("survives clients that reset or leave at once, and serves the next", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const port = await run.port();
    const rude = await connectLocal(port);
    rude.reset();
    const hasty = await connectLocal(port);
    hasty.end();
    hasty.socket.destroy();
    await run.waitForCount("Connected client", 2);
    const polite = await connectLocal(port);
    expectBytes(await polite.waitForEnd(), "Hello World!", "What the next client received");
    await run.waitForStdout("Connected client 3\n");
    run.stop();
  });
});

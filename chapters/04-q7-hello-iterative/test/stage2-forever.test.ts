import { connectLocal, expectBytes, startProgram, type TestClient } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server-iterative-win.ts");
const { main } = await impl<Server>("hello-server-iterative-win.ts");

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

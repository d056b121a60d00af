import path from "node:path";

import {
  expectAllClosed,
  expectBytes,
  listenLocal,
  rechunkProxy,
  refusedPort,
  spawnProgram,
  startProgram,
} from "@tcp-katas/shared/testing";
import { impl, targetDir } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Client = typeof import("../solution/hello-client-win.ts");
const { main } = await impl<Client>("hello-client-win.ts");

describe("stage 4: hello-client-win.ts", () => {
  it("prints exactly `Message from server : Hello World!`, cleans up, exits 0", async () => {
    const server = await listenLocal((s) => s.end("Hello World!"));
    const run = startProgram(main, ["127.0.0.1", String(server.port)], { label: "your client" });
    await run.expectExit(0);
    expectBytes(run.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expect(run.trace[0]?.call).toBe("WSAStartup");
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
    expectAllClosed(run.trace);
  });

  it("prints the whole greeting when it arrives in pieces", async () => {
    const server = await listenLocal((s) => s.end("Hello World!"));
    const proxy = await rechunkProxy(server.port, { toClient: { pieceSize: 3, delayMs: 5 } });
    const run = startProgram(main, ["127.0.0.1", String(proxy.port)], { label: "your client" });
    await run.expectExit(0);
    expectBytes(run.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
  });

  it("reports a server that resets with recv() error ... WSAECONNRESET (10054), cleans up, exits 1", async () => {
    // Reset on the next turn of the event loop, once the client's connect has completed: recv() fails.
    const rude = await listenLocal((s) => setImmediate(() => s.resetAndDestroy()));
    const run = startProgram(main, ["127.0.0.1", String(rude.port)], { label: "your client" });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(/^recv\(\) error: .* WSAECONNRESET \(10054\)\n$/);
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
  });

  it("reports a refused connection with WSAECONNREFUSED (10061), cleans up, exits 1", async () => {
    const run = startProgram(main, ["127.0.0.1", String(await refusedPort())], { label: "your client" });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(/^connect\(\) error: .* WSAECONNREFUSED \(10061\)\n$/);
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
  });

  it.each([[[]], [["127.0.0.1"]], [["999.1.1.1", "1"]]])(
    "refuses the arguments %j with the Usage line",
    async (args) => {
      const run = startProgram(main, args, { label: "your client" });
      await run.expectExit(1);
      expect(run.stderr.text.startsWith("Usage : hello-client-win.ts <IP> <port>\n"), run.stderr.text).toBe(
        true,
      );
    },
  );

  it("as processes: the client gets its greeting from the iterative server, twice", async () => {
    const server = spawnProgram(path.join(targetDir(), "hello-server-iterative-win.ts"), ["0"], {
      label: "server",
    });
    const port = String(await server.port(10_000));
    for (let i = 0; i < 2; i++) {
      const client = spawnProgram(path.join(targetDir(), "hello-client-win.ts"), ["127.0.0.1", port], {
        label: "client",
      });
      await client.expectExit(0, 10_000);
      expectBytes(client.stdout.text, "Message from server : Hello World!\n", "the client's stdout");
    }
    server.stop();
    await server.expectExit(0);
  });
});

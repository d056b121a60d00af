import path from "node:path";

import {
  connectLocal,
  countCalls,
  expectAllClosed,
  expectBytes,
  spawnProgram,
  startProgram,
} from "@tcp-katas/shared/testing";
import { impl, targetDir } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server-iterative-win.ts");
const { main } = await impl<Server>("hello-server-iterative-win.ts");

describe("stage 3: a clean shutdown on SIGINT/SIGTERM", () => {
  it("in-process: the stop signal closes the listening socket, calls WSACleanup, exits 0", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const port = await run.port();
    await (await connectLocal(port)).waitForEnd();
    await run.waitForStdout("Connected client 1\n");
    run.stop();
    expect(await run.waitForExit("your server to end after the stop signal")).toBe(0);
    expectAllClosed(run.trace);
    expect(countCalls(run.trace, "WSACleanup")).toBe(countCalls(run.trace, "WSAStartup"));
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
    const listener = run.trace.find((e) => e.call === "listen")?.fd;
    expect(
      run.trace.some((e) => e.call === "closesocket" && e.fd === listener && e.result === 0),
      "the listening socket is closed",
    ).toBe(true);
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "as a process: %s ends it with exit 0 and one line per client",
    async (signal) => {
      const server = spawnProgram(path.join(targetDir(), "hello-server-iterative-win.ts"), ["0"], {
        label: "your server",
      });
      const port = await server.port(10_000);
      for (let i = 0; i < 3; i++) await (await connectLocal(port)).waitForEnd();
      await server.waitForCount("Connected client", 3);
      server.stop(signal);
      expect(await server.waitForExit(`your server to end after ${signal}`)).toBe(0);
      expectBytes(
        server.stdout.text,
        "Connected client 1\nConnected client 2\nConnected client 3\n",
        "The server's stdout",
      );
      expectBytes(server.stderr.text, "", "The server's stderr");
    },
  );
});

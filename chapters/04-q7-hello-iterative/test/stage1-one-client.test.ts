import { connectLocal, expectBytes, listenLocal, startProgram } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server-iterative-win.ts");
const { main } = await impl<Server>("hello-server-iterative-win.ts");

describe("stage 1: the server greets a client (Winsock)", () => {
  it("sends exactly the 12 bytes of Hello World!, then closes the connection", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    const c = await connectLocal(await run.port());
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    await run.waitForStdout("Connected client 1\n");
    expectBytes(
      run.stdout.text,
      "Connected client 1\n",
      "The server's stdout (spelt client, counted from 1)",
    );
    run.stop();
  });

  it("starts with WSAStartup and calls nothing before it", async () => {
    const run = startProgram(main, ["0"], { label: "your server" });
    await run.port();
    expect(run.trace[0]?.call).toBe("WSAStartup");
    expect(run.trace.filter((e) => e.error === "WSANOTINITIALISED")).toEqual([]);
    run.stop();
  });

  it("reports a port in use with WSAEADDRINUSE (10048), cleans up, exits 1", async () => {
    const taken = await listenLocal();
    const run = startProgram(main, [String(taken.port)], { label: "your server" });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(/^bind\(\) error: .* WSAEADDRINUSE \(10048\)\n$/);
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
  });

  it.each([[[]], [["1", "2"]], [["x"]]])("refuses the arguments %j with the Usage line", async (args) => {
    const run = startProgram(main, args, { label: "your server" });
    await run.expectExit(1);
    expect(
      run.stderr.text.startsWith("Usage : hello-server-iterative-win.ts <port>\n"),
      run.stderr.text,
    ).toBe(true);
  });
});

import { connectLocal, countCalls, expectBytes, listenLocal, startProgram } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/echo-server-win.ts");
type Client = typeof import("../solution/echo-client-win.ts");
const server = await impl<Server>("echo-server-win.ts");
const client = await impl<Client>("echo-client-win.ts");

describe("stage 3: error paths end cleanly, with the right WSA code", () => {
  it("a client that resets: recv gives SOCKET_ERROR (WSAECONNRESET), the turn ends, nothing spins", async () => {
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const port = await run.port();
    const rude = await connectLocal(port);
    await run.waitForStdout("Connected client 1\n");
    await rude.send("x");
    await rude.waitForBytes(1);
    rude.reset();
    const next = await connectLocal(port);
    await run.waitForStdout("Connected client 2\n");
    const failedRecv = run.trace.filter((e) => e.call === "recv" && e.error === "WSAECONNRESET");
    expect(failedRecv.length, "recv calls that failed with WSAECONNRESET (exactly one: no spinning)").toBe(1);
    expect(countCalls(run.trace, "send"), "no send after the failed recv").toBe(1);
    next.end();
  });

  it("a server that resets: the client reports recv() error ... WSAECONNRESET (10054) and cleans up", async () => {
    const server = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
    const run = startProgram(client.main, ["127.0.0.1", String(server.port)], {
      label: "your client",
      stdin: "boom\nq\n",
    });
    await run.expectExit(1);
    // "boom" is sent whole before the server resets (it resets on receiving it): recv() is what fails.
    expect(run.stderr.text).toMatch(/^recv\(\) error: .* WSAECONNRESET \(10054\)\n$/);
    expect(run.trace.at(-1)?.call).toBe("WSACleanup");
  });

  it("a refused connection: connect() error ... WSAECONNREFUSED (10061)", async () => {
    const peer = await listenLocal();
    // Bound by a connected socket, never listening: connect() there is refused for sure.
    const refused = (await connectLocal(peer.port)).socket.localPort ?? 0;
    const run = startProgram(client.main, ["127.0.0.1", String(refused)], {
      label: "your client",
      stdin: "",
    });
    await run.expectExit(1);
    expectBytes(
      run.stderr.text,
      "connect() error: No connection could be made because the target machine actively refused it. WSAECONNREFUSED (10061)\n",
      "Your client's stderr",
    );
  });

  it("a port in use: bind() error ... WSAEADDRINUSE (10048), and no socket left open", async () => {
    const taken = await listenLocal();
    const run = startProgram(server.main, [String(taken.port)], { label: "your server" });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(/^bind\(\) error: .* WSAEADDRINUSE \(10048\)\n$/);
  });
});

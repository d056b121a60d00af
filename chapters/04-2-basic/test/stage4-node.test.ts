// Stage 4: the same pair the way Node programs are written, with node:net (no posix layer). What they must do
// is what stages 1 and 2 asked, with Node's own error names: hello-server-node.ts greets one client with
// `Hello World!`, closes its server and exits 0 (a port in use: `listen() error: Address already in use
// (EADDRINUSE)`); hello-client-node.ts prints `Message from server : Hello World!` (a reset:
// `read() error: ...(ECONNRESET)`, a refusal: `connect() error: Connection refused (ECONNREFUSED)`).
import { execFileSync } from "node:child_process";

import {
  connectLocal,
  expectBytes,
  listenLocal,
  refusedPort,
  run,
  startServer,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const SERVER = program("hello-server-node.ts");
const CLIENT = program("hello-client-node.ts");
/** A client that connects and at once resets (RST, no FIN), for `node -e` with PORT in its environment. */
const RESET_ON_CONNECT = `const s = require("node:net").connect(Number(process.env.PORT), "127.0.0.1", () => s.resetAndDestroy());`;

describe("stage 4: the same pair in idiomatic node:net", () => {
  it("hello-server-node.ts greets one client with Hello World! and exits 0, without the posix layer", async () => {
    const { run: server, port } = await startServer(SERVER);
    const c = await connectLocal(port);
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    await server.expectExit(0);
    expect(server.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-server-node.ts closes its server: nothing of it is left listening once it returns", async () => {
    const { run: server, port } = await startServer(SERVER);
    const c = await connectLocal(port);
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    await server.expectExit(0);
    // Node names a listening server "TCPServerWrap" among the handles a thread holds.
    expect(
      server.leftOpen.filter((r) => r === "TCPServerWrap"),
      "servers still listening when main() returned (call server.close())",
    ).toEqual([]);
  });

  it("hello-server-node.ts reports a port in use as `listen() error: Address already in use (EADDRINUSE)` and exits 1", async () => {
    const taken = await listenLocal();
    const server = run(SERVER, [String(taken.port)], { label: "your server" });
    await server.expectExit(1);
    expectBytes(
      server.stderr.text,
      "listen() error: Address already in use (EADDRINUSE)\n",
      "Your server's stderr",
    );
  });

  it("hello-server-node.ts outlives a client that reset before it was accepted: exits 0, nothing on stderr", async () => {
    const { run: server, port } = await startServer(SERVER);
    // The client connects and resets in a process of its own while this test waits for it: the kernel
    // completes the handshake and takes the RST whatever the server does. Its greeting then fails
    // (ECONNRESET/EPIPE) on a socket whose 'error' event must be handled: one nobody listens to crashes it.
    execFileSync(process.execPath, ["-e", RESET_ON_CONNECT], {
      env: { ...process.env, PORT: String(port) },
      timeout: 10_000,
    });
    await server.expectExit(0);
    expectBytes(server.stderr.text, "", "Your server's stderr");
  });

  it("hello-client-node.ts prints the whole greeting, sent in two pieces, and exits 0", async () => {
    const greeter = await listenLocal((s) => {
      s.write("Hello ");
      setImmediate(() => s.end("World!"));
    });
    const c = run(CLIENT, ["127.0.0.1", String(greeter.port)], { label: "your client" });
    await c.expectExit(0);
    expectBytes(c.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expect(c.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-client-node.ts reports a server that resets as `read() error: ... (ECONNRESET)` and exits 1", async () => {
    const rude = await listenLocal((s) => setTimeout(() => s.resetAndDestroy(), 50));
    const c = run(CLIENT, ["127.0.0.1", String(rude.port)], { label: "your client" });
    await c.expectExit(1);
    expect(c.stderr.text).toMatch(/^read\(\) error: .* \(ECONNRESET\)\n$/);
  });

  it.each([
    ["hello-server-node.ts", "<port>", []],
    ["hello-client-node.ts", "<IP> <port>", ["127.0.0.1"]],
  ] as const)("%s prints its Usage line for wrong arguments and exits 1", async (name, params, args) => {
    const p = run(program(name), args, { label: "your program" });
    await p.expectExit(1);
    expectBytes(p.stderr.text, `Usage : ${name} ${params}\n`, "Your program's stderr");
  });

  it("hello-client-node.ts reports a refused connection as `connect() error: Connection refused (ECONNREFUSED)` and exits 1", async () => {
    const c = run(CLIENT, ["127.0.0.1", String(await refusedPort())], { label: "your client" });
    await c.expectExit(1);
    expectBytes(
      c.stderr.text,
      "connect() error: Connection refused (ECONNREFUSED)\n",
      "Your client's stderr",
    );
  });
});

import { execFileSync } from "node:child_process";

import {
  connectLocal,
  expectBytes,
  listenLocal,
  refusedPort,
  startProgram,
  withDeadline,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it, onTestFinished } from "vitest";

type Server = typeof import("../solution/hello-server-node.ts");
type Client = typeof import("../solution/hello-client-node.ts");
const server = await impl<Server>("hello-server-node.ts");
/** A client that connects and at once resets (RST, no FIN), for `node -e` with PORT in its environment. */
const RESET_ON_CONNECT = `const s = require("node:net").connect(Number(process.env.PORT), "127.0.0.1", () => s.resetAndDestroy());`;
const client = await impl<Client>("hello-client-node.ts");

describe("stage 4: the same pair in idiomatic node:net", () => {
  it("hello-server-node.ts greets one client with Hello World! and exits 0", async () => {
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const c = await connectLocal(await run.port());
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    await run.expectExit(0);
    expect(run.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-server-node.ts closes its listening server: nothing of it is left listening once it returns", async () => {
    // Node reports the handles this process holds; a listening net.Server is a "TCPServerWrap". The test
    // itself listens on nothing here, so the count must come back to what it was before the server started.
    const listeners = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
    const before = listeners();
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const c = await connectLocal(await run.port());
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    await run.expectExit(0);
    let waiting = true;
    try {
      await withDeadline(
        new Promise<void>((resolve) => {
          const check = () => {
            if (listeners() === before) resolve();
            else if (waiting) setImmediate(check);
          };
          check();
        }),
        "your server's listening socket to close (call server.close() once the client is taken)",
        5_000,
      );
    } finally {
      waiting = false;
    }
  });

  it("hello-server-node.ts reports a port in use and exits 1", async () => {
    const taken = await listenLocal();
    const run = startProgram(server.main, [String(taken.port)], { label: "your server" });
    await run.expectExit(1);
    expectBytes(
      run.stderr.text,
      "listen() error: Address already in use (EADDRINUSE)\n",
      "The server's stderr",
    );
  });

  it("hello-server-node.ts outlives a client that reset before it was accepted: exits 0, nothing on stderr", async () => {
    // An 'error' event nobody listens for is thrown where no try/catch of the program can see it.
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", record);
    onTestFinished(() => void process.off("uncaughtException", record));
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const port = await run.port();
    // The client connects and resets in a process of its own while this thread (and so the server's event
    // loop) waits for it: the kernel completes the handshake and takes the RST before the server sees the
    // connection. Its greeting then fails (ECONNRESET/EPIPE) on a socket whose 'error' must be handled.
    execFileSync(process.execPath, ["-e", RESET_ON_CONNECT], {
      env: { ...process.env, PORT: String(port) },
      timeout: 10_000,
    });
    await run.expectExit(0);
    expect(
      uncaught.map(String),
      "errors your server let escape (a socket's 'error' event without a listener)",
    ).toEqual([]);
    expectBytes(run.stderr.text, "", "The server's stderr");
  });

  it("hello-client-node.ts prints the whole greeting and exits 0", async () => {
    const greeter = await listenLocal((s) => {
      s.write("Hello ");
      setImmediate(() => s.end("World!"));
    });
    const run = startProgram(client.main, ["127.0.0.1", String(greeter.port)], { label: "your client" });
    await run.expectExit(0);
    expectBytes(run.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expect(run.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-client-node.ts reports a server that resets as a read() error and exits 1", async () => {
    // Reset on the next turn of the event loop, once the client's connect has completed: the read fails.
    const rude = await listenLocal((s) => setImmediate(() => s.resetAndDestroy()));
    const run = startProgram(client.main, ["127.0.0.1", String(rude.port)], { label: "your client" });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(/^read\(\) error: .* \(ECONNRESET\)\n$/);
  });

  it.each([
    ["hello-server-node.ts", "<port>", []],
    ["hello-client-node.ts", "<IP> <port>", ["127.0.0.1"]],
  ] as const)("%s prints its Usage line for wrong arguments and exits 1", async (name, params, args) => {
    const program = name === "hello-server-node.ts" ? server.main : client.main;
    const run = startProgram(program, args, { label: "your program" });
    await run.expectExit(1);
    expectBytes(run.stderr.text, `Usage : ${name} ${params}\n`, "The program's stderr");
  });

  it("hello-client-node.ts reports a refused connection and exits 1", async () => {
    const run = startProgram(client.main, ["127.0.0.1", String(await refusedPort())], {
      label: "your client",
    });
    await run.expectExit(1);
    expectBytes(
      run.stderr.text,
      "connect() error: Connection refused (ECONNREFUSED)\n",
      "Your client's stderr",
    );
  });
});

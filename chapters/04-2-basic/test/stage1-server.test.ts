// Stage 1: hello-server.ts, the listing's server, call for call. What it must do:
//   - take one argument, <port>; anything else prints `Usage : hello-server.ts <port>` on stderr and exits 1;
//   - socket → bind (every local address, INADDR_ANY, and the port in network byte order: htons) → listen
//     (backlog 5) → accept → write the 12 bytes `Hello World!` → close the client's socket → close its own;
//   - print nothing on stdout, exit 0;
//   - a failed call prints the listing's label and the reason on stderr, e.g.
//     `bind() error: Address already in use (EADDRINUSE)`, and exits 1.
import {
  connectLocal,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  freePort,
  listenLocal,
  run,
  startServer,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const SERVER = program("hello-server.ts");
const GREETING = "Hello World!";

describe("stage 1: hello-server.ts, the six steps", () => {
  it("greets one client on the port it was given with exactly the 12 bytes of Hello World!, then exits 0", async () => {
    // A real port, not 0: a server that forgot htons() listens on the port with its two bytes swapped.
    const port = await freePort();
    const server = run(SERVER, [String(port)], { label: "your server" });
    expect(await server.port()).toBe(port);
    const client = await connectLocal(port);
    expectBytes(
      await client.waitForEnd("the greeting, then the end of the connection"),
      GREETING,
      "What the client received",
    );
    await server.expectExit(0);
    expectBytes(server.stdout.text, "", "Your server's stdout");
  });

  it("calls socket → bind → listen → accept → write → close → close, and closes both sockets", async () => {
    const { run: server, connect } = await startServer(SERVER);
    await connect();
    await server.expectExit(0);
    expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close", "close"]);
    expectAllClosed(server.trace);
  });

  it("binds every local address (INADDR_ANY, 0.0.0.0) and listens with a backlog of 5", async () => {
    const { run: server, connect } = await startServer(SERVER);
    await connect();
    await server.expectExit(0);
    expect(server.trace.find((e) => e.call === "bind")?.detail, "bind()'s address").toMatchObject({
      host: "0.0.0.0",
    });
    expect(server.trace.find((e) => e.call === "listen")?.detail, "listen()'s backlog").toMatchObject({
      backlog: 5,
    });
  });

  it("reports a port in use as `bind() error: Address already in use (EADDRINUSE)` and exits 1", async () => {
    const taken = await listenLocal();
    const server = run(SERVER, [String(taken.port)], { label: "your server" });
    await server.expectExit(1);
    expectBytes(
      server.stderr.text,
      "bind() error: Address already in use (EADDRINUSE)\n",
      "Your server's stderr",
    );
  });

  it.each([[[]], [["9190", "extra"]]])(
    "prints `Usage : hello-server.ts <port>` for the arguments %j and exits 1",
    async (args) => {
      const server = run(SERVER, args, { label: "your server" });
      await server.expectExit(1);
      expectBytes(server.stderr.text, "Usage : hello-server.ts <port>\n", "Your server's stderr");
    },
  );

  it.each(["abc", "65536", "-1"])(
    "refuses the port %j: the Usage line, then why, and exit 1",
    async (port) => {
      const server = run(SERVER, [port], { label: "your server" });
      await server.expectExit(1);
      expectBytes(
        server.stderr.text,
        `Usage : hello-server.ts <port>\n<port> must be a whole number from 0 to 65535, got ${JSON.stringify(port)}\n`,
        "Your server's stderr",
      );
    },
  );
});

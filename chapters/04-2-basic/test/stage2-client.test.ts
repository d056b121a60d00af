// Stage 2: hello-client.ts, the listing's client. What it must do:
//   - take two arguments, <IP> <port> (an IPv4 address such as 127.0.0.1: no name lookup); anything else prints
//     `Usage : hello-client.ts <IP> <port>` on stderr and exits 1;
//   - socket → connect → read until the server closes (0) → close; never bind;
//   - print exactly `Message from server : Hello World!` and a newline, and exit 0, however TCP cut the bytes;
//   - a refused connection prints `connect() error: Connection refused (ECONNREFUSED)`, a reset
//     `read() error: Connection reset by peer (ECONNRESET)`, and exits 1.
import {
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  refusedPort,
  run,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const CLIENT = program("hello-client.ts");
const PRINTED = "Message from server : Hello World!\n";

/** A server that sends the greeting and closes, like hello-server.ts. */
const greeter = () => listenLocal((socket) => socket.end("Hello World!"));
const client = (port: number) => run(CLIENT, ["127.0.0.1", String(port)], { label: "your client" });

describe("stage 2: hello-client.ts, the four steps", () => {
  it("prints exactly `Message from server : Hello World!` and exits 0", async () => {
    const server = await greeter();
    const c = client(server.port);
    await c.expectExit(0);
    expectBytes(c.stdout.text, PRINTED, "Your client's stdout");
    expectBytes(c.stderr.text, "", "Your client's stderr");
  });

  it("calls socket → connect → read → close, never bind, and closes its socket", async () => {
    const server = await greeter();
    const c = client(server.port);
    await c.expectExit(0);
    expectCallOrder(c.trace, ["socket", "connect", "read", "close"]);
    expect(
      c.trace.filter((e) => e.call === "bind"),
      "a client needs no bind()",
    ).toEqual([]);
    expectAllClosed(c.trace);
  });

  it("prints the whole greeting when it arrives in pieces (TCP keeps no message boundaries)", async () => {
    // The cut is made, not hoped for: "World!" is sent only once the client's first read() has returned
    // "Hello ", so one read cannot be enough.
    let c: ReturnType<typeof client> | undefined;
    const server = await listenLocal((socket) => {
      socket.write("Hello ");
      void c
        ?.waitForCall("a read() that returns bytes", (e) => e.call === "read" && e.result > 0)
        .then(
          () => socket.end("World!"),
          () => socket.destroy(),
        );
    });
    c = client(server.port);
    await c.expectExit(0);
    expectBytes(c.stdout.text, PRINTED, "Your client's stdout");
    expect(
      c.trace.filter((e) => e.call === "read" && e.result > 0).length,
      "read() calls that returned bytes",
    ).toBeGreaterThan(1);
  });

  it("reports a refused connection as `connect() error: Connection refused (ECONNREFUSED)` and exits 1", async () => {
    const c = client(await refusedPort());
    await c.expectExit(1);
    expectBytes(
      c.stderr.text,
      "connect() error: Connection refused (ECONNREFUSED)\n",
      "Your client's stderr",
    );
  });

  it("reports a server that resets as `read() error: Connection reset by peer (ECONNRESET)` and exits 1", async () => {
    // Reset only once the client's connect() has returned: the read is what fails, every time.
    let c: ReturnType<typeof client> | undefined;
    const rude = await listenLocal((socket) => {
      void c
        ?.waitForCall("connect()", (e) => e.call === "connect")
        .then(
          () => socket.resetAndDestroy(),
          () => socket.destroy(),
        );
    });
    c = client(rude.port);
    await c.expectExit(1);
    expectBytes(
      c.stderr.text,
      "read() error: Connection reset by peer (ECONNRESET)\n",
      "Your client's stderr",
    );
  });

  it.each(["999.1.1.1", "localhost", "1.2.3"])(
    "refuses the IP %j at once (no name lookup): the Usage line, then why",
    async (ip) => {
      const c = run(CLIENT, [ip, "9190"], { label: "your client" });
      await c.expectExit(1);
      expectBytes(
        c.stderr.text,
        `Usage : hello-client.ts <IP> <port>\n<IP> must be an IPv4 address such as 127.0.0.1, got ${JSON.stringify(ip)}\n`,
        "Your client's stderr",
      );
    },
  );

  it.each([[[]], [["127.0.0.1"]], [["127.0.0.1", "1", "2"]]])(
    "prints `Usage : hello-client.ts <IP> <port>` for %j and exits 1",
    async (args) => {
      const c = run(CLIENT, args, { label: "your client" });
      await c.expectExit(1);
      expectBytes(c.stderr.text, "Usage : hello-client.ts <IP> <port>\n", "Your client's stderr");
    },
  );
});

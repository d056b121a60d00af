import {
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  refusedPort,
  startProgram,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Client = typeof import("../solution/hello-client.ts");
const { main } = await impl<Client>("hello-client.ts");

/** A server that sends the greeting and closes, like hello-server.ts. */
const greeter = () => listenLocal((socket) => socket.end("Hello World!"));

describe("stage 2: hello-client.ts, the four steps", () => {
  it("prints exactly `Message from server : Hello World!` and exits 0", async () => {
    const server = await greeter();
    const client = startProgram(main, ["127.0.0.1", String(server.port)], { label: "your client" });
    await client.expectExit(0);
    expectBytes(client.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expectBytes(client.stderr.text, "", "Your client's stderr");
  });

  it("calls socket → connect → read → close, never bind, and closes its socket", async () => {
    const server = await greeter();
    const client = startProgram(main, ["127.0.0.1", String(server.port)], { label: "your client" });
    await client.waitForExit();
    expectCallOrder(client.trace, ["socket", "connect", "read", "close"]);
    expect(
      client.trace.filter((e) => e.call === "bind"),
      "a client needs no bind()",
    ).toEqual([]);
    expectAllClosed(client.trace);
  });

  it("prints the whole greeting when it arrives in pieces (TCP keeps no message boundaries)", async () => {
    // The cut is made, not hoped for: "World!" is sent only after the client's first read() has returned
    // "Hello ", so one read cannot be enough.
    const server = await listenLocal((socket) => {
      socket.write("Hello ");
      const firstRead = () => client.trace.some((e) => e.call === "read" && e.result > 0) === true;
      const later = () => {
        if (socket.destroyed) return;
        if (firstRead()) socket.end("World!");
        else setImmediate(later);
      };
      later();
    });
    const client = startProgram(main, ["127.0.0.1", String(server.port)], { label: "your client" });
    await client.expectExit(0);
    expectBytes(client.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expect(client.trace.filter((e) => e.call === "read" && e.result > 0).length).toBeGreaterThan(1);
  });

  it("reports a refused connection as `connect() error: ... (ECONNREFUSED)` and exits 1", async () => {
    const client = startProgram(main, ["127.0.0.1", String(await refusedPort())], { label: "your client" });
    await client.expectExit(1);
    expectBytes(
      client.stderr.text,
      "connect() error: Connection refused (ECONNREFUSED)\n",
      "Your client's stderr",
    );
  });

  it("reports a server that resets as `read() error: ... (ECONNRESET)` and exits 1", async () => {
    // Reset on the next turn of the event loop: the client (in this process) has seen its connect() succeed
    // by then, so the read is what fails, every time.
    const rude = await listenLocal((socket) => setImmediate(() => socket.resetAndDestroy()));
    const client = startProgram(main, ["127.0.0.1", String(rude.port)], { label: "your client" });
    await client.expectExit(1);
    expect(client.stderr.text).toMatch(/^read\(\) error: .* \(ECONNRESET\)\n$/);
  });

  it.each(["999.1.1.1", "localhost", "1.2.3"])(
    "refuses the IP %j at once, without a DNS lookup",
    async (ip) => {
      const client = startProgram(main, [ip, "9190"], { label: "your client", deadlineMs: 1_000 });
      await client.expectExit(1);
      expect(client.stderr.text).toMatch(
        /^Usage : hello-client\.ts <IP> <port>\n<IP> must be an IPv4 address/,
      );
    },
  );

  it.each([[[]], [["127.0.0.1"]], [["127.0.0.1", "1", "2"]]])(
    "prints the Usage line for %j",
    async (args) => {
      const client = startProgram(main, args, { label: "your client" });
      await client.expectExit(1);
      expectBytes(client.stderr.text, "Usage : hello-client.ts <IP> <port>\n", "Your client's stderr");
    },
  );
});

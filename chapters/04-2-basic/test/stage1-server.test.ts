import {
  connectLocal,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  startProgram,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server.ts");
const { main } = await impl<Server>("hello-server.ts");

describe("stage 1: hello-server.ts, the six steps", () => {
  it("greets one client with exactly the 12 bytes of Hello World!, then closes and exits 0", async () => {
    const server = startProgram(main, ["0"], { label: "your server" });
    const client = await connectLocal(await server.port());
    expectBytes(
      await client.waitForEnd("the greeting and then the end of the connection"),
      "Hello World!",
      "What the client received",
    );
    await server.expectExit(0);
    expectBytes(server.stdout.text, "", "The server's stdout");
  });

  it("calls socket → bind → listen → accept → write → close, and closes both sockets", async () => {
    const server = startProgram(main, ["0"], { label: "your server" });
    await connectLocal(await server.port());
    await server.waitForExit();
    expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close", "close"]);
    expectAllClosed(server.trace);
  });

  it("binds every local address (INADDR_ANY) and listens with a backlog of 5", async () => {
    const server = startProgram(main, ["0"], { label: "your server" });
    await connectLocal(await server.port());
    await server.waitForExit();
    expect(server.trace.find((e) => e.call === "bind")?.detail).toMatchObject({ host: "0.0.0.0" });
    expect(server.trace.find((e) => e.call === "listen")?.detail).toMatchObject({ backlog: 5 });
  });

  it("reports a port in use as `bind() error: ... (EADDRINUSE)` and exits 1", async () => {
    const taken = await listenLocal();
    const server = startProgram(main, [String(taken.port)], { label: "your server" });
    await server.expectExit(1);
    expectBytes(
      server.stderr.text,
      "bind() error: Address already in use (EADDRINUSE)\n",
      "The server's stderr",
    );
  });

  it.each([[[]], [["9190", "extra"]]])(
    "prints the Usage line for the arguments %j and exits 1",
    async (args) => {
      const server = startProgram(main, args, { label: "your server" });
      await server.expectExit(1);
      expectBytes(server.stderr.text, "Usage : hello-server.ts <port>\n", "The server's stderr");
    },
  );

  it.each(["abc", "65536", "-1"])("refuses the port %j with the Usage line and the reason", async (port) => {
    const server = startProgram(main, [port], { label: "your server" });
    await server.expectExit(1);
    expect(server.stderr.text).toMatch(/^Usage : hello-server\.ts <port>\n<port> must be a whole number/);
  });
});

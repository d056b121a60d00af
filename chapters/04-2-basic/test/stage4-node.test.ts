import { connectLocal, expectBytes, listenLocal, startProgram } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server-node.ts");
type Client = typeof import("../solution/hello-client-node.ts");
const server = await impl<Server>("hello-server-node.ts");
const client = await impl<Client>("hello-client-node.ts");

describe("stage 4: the same pair in idiomatic node:net", () => {
  it("hello-server-node.ts greets one client with Hello World! and exits 0", async () => {
    const run = startProgram(server.main, ["0"], { label: "your server" });
    const c = await connectLocal(await run.port());
    expectBytes(await c.waitForEnd(), "Hello World!", "What the client received");
    expect(await run.waitForExit()).toBe(0);
    expect(run.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-server-node.ts reports a port in use and exits 1", async () => {
    const taken = await listenLocal();
    const run = startProgram(server.main, [String(taken.port)], { label: "your server" });
    expect(await run.waitForExit()).toBe(1);
    expectBytes(
      run.stderr.text,
      "listen() error: Address already in use (EADDRINUSE)\n",
      "The server's stderr",
    );
  });

  it("hello-client-node.ts prints the whole greeting and exits 0", async () => {
    const greeter = await listenLocal((s) => {
      s.write("Hello ");
      setImmediate(() => s.end("World!"));
    });
    const run = startProgram(client.main, ["127.0.0.1", String(greeter.port)], { label: "your client" });
    expect(await run.waitForExit()).toBe(0);
    expectBytes(run.stdout.text, "Message from server : Hello World!\n", "Your client's stdout");
    expect(run.trace, "use node:net here, not the posix layer").toEqual([]);
  });

  it("hello-client-node.ts reports a refused connection and exits 1", async () => {
    const gone = await listenLocal();
    await gone.close();
    const run = startProgram(client.main, ["127.0.0.1", String(gone.port)], { label: "your client" });
    expect(await run.waitForExit()).toBe(1);
    expectBytes(
      run.stderr.text,
      "connect() error: Connection refused (ECONNREFUSED)\n",
      "Your client's stderr",
    );
  });
});

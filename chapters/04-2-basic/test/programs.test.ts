// The finished pair as a learner runs it in two terminals: two real processes, talking to each other.
import { expectBytes, run } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

describe("stage 2: the pair as processes", () => {
  it("hello-client.ts gets Hello World! from hello-server.ts; both exit 0", async () => {
    const server = run(program("hello-server.ts"), ["0"], { label: "hello-server", process: true });
    const port = await server.port();
    const client = run(program("hello-client.ts"), ["127.0.0.1", String(port)], {
      label: "hello-client",
      process: true,
    });
    await client.expectExit(0);
    expectBytes(client.stdout.text, "Message from server : Hello World!\n", "hello-client's stdout");
    await server.expectExit(0);
  });
});

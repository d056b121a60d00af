// The finished programs as a learner runs them: real processes through tsx, talking to each other.
import path from "node:path";

import { expectBytes, spawnProgram } from "@tcp-katas/shared/testing";
import { targetDir } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

describe("stage 2: the pair as processes", () => {
  it("hello-client.ts gets Hello World! from hello-server.ts; both exit 0", async () => {
    const server = spawnProgram(path.join(targetDir(), "hello-server.ts"), ["0"], {
      label: "hello-server",
    });
    const port = await server.port(10_000);
    const client = spawnProgram(path.join(targetDir(), "hello-client.ts"), ["127.0.0.1", String(port)], {
      label: "hello-client",
    });
    await client.expectExit(0, 10_000);
    expectBytes(client.stdout.text, "Message from server : Hello World!\n", "hello-client's stdout");
    await server.expectExit(0, 10_000);
  });
});

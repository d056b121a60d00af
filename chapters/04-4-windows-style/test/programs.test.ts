// The finished pair as a learner runs it: two real processes through tsx.
import path from "node:path";

import { clientTranscript, expectBytes, spawnProgram } from "@tcp-katas/shared/testing";
import { targetDir } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

describe("stage 2: the pair as processes", () => {
  it("echo-client-win.ts talks to echo-server-win.ts", async () => {
    const file = (name: string) => path.join(targetDir(), name);
    const server = spawnProgram(file("echo-server-win.ts"), ["0"], { label: "echo-server-win" });
    const port = String(await server.port(10_000));
    const client = spawnProgram(file("echo-client-win.ts"), ["127.0.0.1", port], {
      label: "echo-client-win",
      stdin: "Winsock\n안녕\nq\n",
    });
    await client.expectExit(0, 10_000);
    expectBytes(
      client.stdout.text,
      clientTranscript("Connected..........", ["Winsock", "안녕"]),
      "the client's stdout",
    );
    await server.waitForStdout("Connected client 1\n");
    server.stop("SIGINT");
  });
});

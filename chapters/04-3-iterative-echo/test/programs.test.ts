// The finished pair as a learner runs it: two real processes through tsx.
import path from "node:path";

import { clientTranscript, expectBytes, spawnProgram } from "@tcp-katas/shared/testing";
import { targetDir } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

describe("stage 3: the pair as processes", () => {
  it("echo-client.ts talks to echo-server.ts; the second client waits its turn", async () => {
    const file = (name: string) => path.join(targetDir(), name);
    const server = spawnProgram(file("echo-server.ts"), ["0"], { label: "echo-server" });
    const port = String(await server.port(10_000));
    const first = spawnProgram(file("echo-client.ts"), ["127.0.0.1", port], { label: "client 1" });
    await first.waitForStdout("Input message(Q to quit) : ", undefined, 10_000);
    await server.waitForStdout("Connected client 1\n");
    const second = spawnProgram(file("echo-client.ts"), ["127.0.0.1", port], {
      label: "client 2",
      stdin: "waiting\nq\n",
    });
    await second.waitForStdout("Connected.........\n", undefined, 10_000);
    first.write("안녕\n");
    await first.waitForStdout("Message from server : 안녕\n");
    expect(server.stdout.text, "client 2 is not served while client 1 is").toBe("Connected client 1\n");
    first.write("q\n");
    expect(await first.waitForExit(undefined, 10_000)).toBe(0);
    expect(await second.waitForExit(undefined, 10_000)).toBe(0);
    expectBytes(second.stdout.text, clientTranscript("Connected.........", ["waiting"]), "client 2's stdout");
    expectBytes(server.stdout.text, "Connected client 1\nConnected client 2\n", "the server's stdout");
    server.stop("SIGINT");
  });
});

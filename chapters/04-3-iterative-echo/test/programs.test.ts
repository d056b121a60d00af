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
    // Watched for the whole of client 1's session, not looked at once: the moment the server prints
    // "Connected client 2" or client 2 prints an echo, it is noted whether client 1 had quit yet.
    let firstQuit = false;
    const early: string[] = [];
    const noteIfEarly = (what: string) => (o: { text: string }) => {
      const seen = o.text.includes(what);
      if (seen && !firstQuit) early.push(what);
      return seen;
    };
    void server.stdout.until(noteIfEarly("Connected client 2"));
    void second.stdout.until(noteIfEarly("Message from server"));
    for (const line of ["안녕", "two", "three"]) {
      first.write(`${line}\n`);
      await first.waitForStdout(`Message from server : ${line}\n`);
    }
    firstQuit = true;
    first.write("q\n");
    await first.expectExit(0, 10_000);
    await second.expectExit(0, 10_000);
    expectBytes(second.stdout.text, clientTranscript("Connected.........", ["waiting"]), "client 2's stdout");
    expectBytes(server.stdout.text, "Connected client 1\nConnected client 2\n", "the server's stdout");
    expect(early, "what happened for client 2 while client 1 was still being served").toEqual([]);
    server.stop("SIGINT");
  });
});

// Learner programs behind the boundary as processes of their own (run(..., { process: true })): real stdin,
// stdout and stderr through pipes, its parameters, port and connections over IPC (a process runs untraced),
// signals, and exit codes as a shell shows them (130 after SIGINT, 143 after SIGTERM, 127 for a process that
// cannot start).
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language and the
// programs' (KATA_LANG, which a child inherits) for this file only.
import { writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ChildRun, connectLocal, listenLocal, run, RunFailed } from "../src/testing/index.ts";
import { fixture, pinLang, rejection, swappedPorts, tempDirForFile } from "./helpers.ts";

pinLang("en");
const tmp = tempDirForFile("kata-process-");

describe("a program as a process", () => {
  it("tells its port over IPC, its output through its pipes, runs untraced; SIGINT it handles ends it cleanly", async () => {
    const server = run(fixture("tiny-server.ts"), ["0"], { label: "your server", process: true });
    expect(server).toBeInstanceOf(ChildRun);
    const port = await server.port();
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("hi");
    await server.waitForStdout("client 1\n");
    server.stop("SIGINT");
    await server.expectExit(0);
    expect(server.stdout.text).toBe("client 1\nbye\n");
    expect(server.connections).toBe(1);
    // A process runs at full speed, untraced (kata run, the demo): its calls are not sent.
    expect(server.trace).toEqual([]);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s ends a program that does not handle signals with exit code %i", async (signal, code) => {
    const server = run(fixture("hello-server.ts"), ["0"], { label: "your server", process: true });
    // It listens: the host has set its signal handlers before main() started.
    await server.port();
    server.stop(signal);
    expect(await server.waitForExit()).toBe(code);
  });

  it("a second signal ends a program that handles signals but did not stop at the first", async () => {
    const server = run(fixture("stubborn-server.ts"), ["0"], { label: "your server", process: true });
    await server.port();
    server.stop("SIGINT");
    await server.waitForStdout("asked to stop by SIGINT\n");
    expect(server.running).toBe(true);
    server.stop("SIGTERM");
    expect(await server.waitForExit()).toBe(143);
  });

  it("a client reads the stdin given through its pipe, to its end", async () => {
    const peer = await listenLocal((s) => s.pipe(s));
    const client = run(fixture("winsock-client.ts"), ["127.0.0.1", String(peer.port)], {
      label: "your client",
      process: true,
      stdin: "ping\n",
    });
    await client.expectExit(0);
    expect(client.stdout.text).toBe("Connected\necho: ping\n");
  });

  it("its parameters come over IPC: a server that forgot htons() fails the wait for its port", async () => {
    const { free, asked } = await swappedPorts();
    const server = run(fixture("no-htons-server.ts"), [String(asked)], {
      label: "your server",
      process: true,
      deadlineMs: 60_000,
    });
    expect((await rejection(server.port())).message.split("\n")[0]).toBe(
      `your server listens on port ${free}, not on ${asked} as asked: did you forget htons()? (htons(${asked}) = ${free}: the port goes into the address in network byte order.)`,
    );
  });

  it("a process that cannot start ends at once, with the reason and exit code 127", async () => {
    const node = process.execPath;
    // The only way to make the spawn itself fail: a node that is not there. Put back before anything else runs.
    process.execPath = path.join(tmp(), "no-such-node");
    try {
      const server = run(fixture("tiny-server.ts"), ["0"], { process: true, deadlineMs: 60_000 });
      expect(await server.waitForExit()).toBe(127);
      expect(server.stderr.text).toContain("ENOENT");
      expect((await rejection(server.port())).message.split("\n")[0]).toBe(
        "your program exited with code 127 while the test was waiting for your program to listen.",
      );
    } finally {
      process.execPath = node;
    }
  });

  it("a file that does not compile never starts: every wait says where it does not compile", async () => {
    const file = path.join(tmp(), "broken.ts");
    writeFileSync(file, "export const main = ;\n");
    const program = run({ file, resolveFrom: tmp() }, [], { process: true, deadlineMs: 60_000 });
    const err = await rejection(program.waitForExit());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(`your program could not be loaded:\n${file}:1:21: Unexpected ";"`);
  });
});

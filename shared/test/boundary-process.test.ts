// Learner programs behind the boundary as processes of their own (run(..., { process: true }), spawnProgram()):
// real stdin, stdout and stderr through pipes, the rest of the channel over IPC (the calls only when a test asks
// for them), signals, and exit codes as a shell shows them (130 after SIGINT, 143 after SIGTERM, 127 for a process
// that cannot start).
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language and the
// programs' (KATA_LANG, which a child inherits) for this file only.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { realpathSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import type { ProgramEvent } from "../src/testing/boundary/index.ts";
import {
  ChildRun,
  connectLocal,
  expectCallOrder,
  listenLocal,
  ProgramLoadError,
  registerCleanup,
  run,
  RunFailed,
  spawnProgram,
} from "../src/testing/index.ts";
import { fixture, pinLang, rejection, swappedPorts, tempDirForFile } from "./helpers.ts";

pinLang("en");
const tmp = tempDirForFile("kata-process-");

describe("a program as a process", () => {
  it("tells its port, calls and waits over IPC, its output through its pipes; SIGINT it handles ends it cleanly", async () => {
    const server = run(fixture("tiny-server.ts"), ["0"], { label: "your server", process: true });
    expect(server).toBeInstanceOf(ChildRun);
    const port = await server.port();
    await server.waitUntil("the server to block in accept()", () => server.blockedIn !== undefined);
    expect(server.blockedIn).toEqual({ call: "accept", fd: 3 });
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("hi");
    await server.waitForStdout("client 1\n");
    server.stop("SIGINT");
    await server.expectExit(0);
    expect(server.stdout.text).toBe("client 1\nbye\n");
    expect(server.connections).toBe(1);
    expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close", "close"]);
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

describe("spawnProgram()", () => {
  /** Every IPC message of a child until it exits, and its exit code. */
  async function messagesOf(child: ChildProcess): Promise<{ events: ProgramEvent[]; code: number | null }> {
    const events: ProgramEvent[] = [];
    child.on("message", (event: ProgramEvent) => events.push(event));
    registerCleanup(() => child.kill("SIGKILL"));
    const [code] = (await once(child, "exit")) as [number | null];
    return { events, code };
  }

  it("starts a bundled program as a process that tells its parameters and port, but not its calls", async () => {
    const child = await spawnProgram(fixture("hello-server.ts"), ["0"]);
    child.on("message", (event: ProgramEvent) => {
      if (event.type === "listening") void connectLocal(event.port);
    });
    const { events, code } = await messagesOf(child);
    expect(code).toBe(0);
    expect(events.map((e) => e.type)).toEqual(["params", "listening", "connection"]);
    expect(events[0]).toEqual({ type: "params", params: ["<port>"] });
  });

  it("sends its calls and waits too when asked to trace", async () => {
    const child = await spawnProgram(fixture("hello-server.ts"), ["0"], { trace: true });
    child.on("message", (event: ProgramEvent) => {
      if (event.type === "listening") void connectLocal(event.port);
    });
    const { events } = await messagesOf(child);
    const calls = events.flatMap((e) => (e.type === "call" ? [e.event.call] : []));
    expect(calls).toEqual(["socket", "bind", "listen", "accept", "write", "close", "close"]);
    expect(events).toContainEqual({ type: "wait", waiting: { call: "accept", fd: 3 } });
  });

  it("gives the program the environment and the folder asked for", async () => {
    const dir = tmp();
    const file = path.join(dir, "where.ts");
    writeFileSync(
      file,
      "export async function main(_args: string[], io: { stdout: NodeJS.WritableStream }) {\n  io.stdout.write(`${process.cwd()} ${process.env.WHERE_TEST}\\n`);\n  return 0;\n}\n",
    );
    const child = await spawnProgram({ file, resolveFrom: dir }, [], {
      cwd: dir,
      env: { WHERE_TEST: "here" },
    });
    const out: Buffer[] = [];
    child.stdout?.on("data", (d: Buffer) => out.push(d));
    expect((await messagesOf(child)).code).toBe(0);
    expect(Buffer.concat(out).toString()).toBe(`${realpathSync(dir)} here\n`);
  });

  it("throws ProgramLoadError for a file that does not compile, and starts nothing", async () => {
    const file = path.join(tmp(), "broken-spawn.ts");
    writeFileSync(file, "export const = 1;\n");
    const err = await rejection(spawnProgram({ file, resolveFrom: tmp() }, []));
    expect(err).toBeInstanceOf(ProgramLoadError);
    expect(err.message).toBe(`${file}:1:14: Expected identifier but found "="`);
  });
});

// Learner programs behind the boundary, in a worker thread (run(), startServer()): the fixture programs of
// test/fixtures are bundled and started the way a kata's tests start a learner's file, and these tests check what
// a test learns over the channel (port, output, calls, where it is blocked, exit) and how each wait ends: at once
// when the program exited, diverged or listens on the wrong port, and at its deadline otherwise.
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language and the
// programs' (KATA_LANG, which a worker reads when it starts) for this file only.
import { describe, expect, it } from "vitest";

import {
  BytesMismatch,
  connectLocal,
  DeadlineExceeded,
  expectAllClosed,
  expectCallOrder,
  freePort,
  listenLocal,
  NotDoneYet,
  type ProgramRun,
  refusedPort,
  run,
  RunFailed,
  startServer,
} from "../src/testing/index.ts";
import { WSA } from "../src/winsock/errors.ts";
import { fixture, pinLang, rejection, swappedPorts, until } from "./helpers.ts";

pinLang("en");

/** What the server fixtures print on stderr: nothing. */
const QUIET = "[your server stdout] (nothing)\n[your server stderr] (nothing)";

describe("a server in a worker", () => {
  it("tells the port it listens on, where it is blocked, its output, its calls and its exit", async () => {
    const { run: server, port } = await startServer(fixture("tiny-server.ts"));
    expect(server.label).toBe("your server");
    await until("the server to block in accept()", () => server.blockedIn !== undefined);
    expect(server.blockedIn).toEqual({ call: "accept", fd: 3 });
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("hi");
    await server.waitForStdout("client 1\n");
    await server.waitForConnections(1);
    expect(server.running).toBe(true);
    expect(server.exitCode).toBeUndefined();
    server.stop();
    await server.expectExit(0);
    expect(server.running).toBe(false);
    expect(server.stdout.text).toBe("client 1\nbye\n");
    expect(server.stderr.text).toBe("");
    expect(server.trace.slice(0, 3)).toEqual([
      { call: "socket", fd: 3, result: 3 },
      { call: "bind", fd: 3, result: 0, detail: { host: "0.0.0.0", port: expect.any(Number) as number } },
      { call: "listen", fd: 3, result: 0, detail: { host: "0.0.0.0", port, backlog: 5 } },
    ]);
    expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close", "close"]);
    expectAllClosed(server.trace);
    // Counted once: the layers' own servers use the real node:net, not the bundle's reporting one.
    expect(server.connections).toBe(1);
    expect(server.leftOpen).toEqual([]);
    expect(server.blockedIn).toBeUndefined();
  });

  it("listens on the port asked for when it was given one", async () => {
    const port = await freePort();
    const server = run(fixture("tiny-server.ts"), [String(port)], { label: "your server" });
    expect(await server.port()).toBe(port);
    server.stop();
    await server.expectExit(0);
  });

  it("fails every wait at once when it listens on the byte-swapped port (htons forgotten)", async () => {
    const { free, asked } = await swappedPorts();
    // A 60 s deadline: only the early failure can end these within the test's time-out.
    const server = run(fixture("no-htons-server.ts"), [String(asked)], {
      label: "your server",
      deadlineMs: 60_000,
    });
    const err = await rejection(server.port());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      `your server listens on port ${free}, not on ${asked} as asked: did you forget htons()? (htons(${asked}) = ${free}: the port goes into the address in network byte order.)\n${QUIET}`,
    );
    expect((await rejection(server.waitForStdout("client 1\n"))).message).toContain(
      "did you forget htons()?",
    );
    expect((await rejection(server.waitForExit())).message).toContain("did you forget htons()?");
  });

  it("fails a wait at once when the program exits first, with its code and both outputs", async () => {
    const server = run(fixture("tiny-server.ts"), [], { label: "your server", deadlineMs: 60_000 });
    const err = await rejection(server.port());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      "your server exited with code 1 while the test was waiting for your server to listen.\n" +
        "[your server stdout] (nothing)\n[your server stderr] Usage : tiny-server.ts <port>",
    );
    expect(server.exitCode).toBe(1);
  });

  it("fails every wait at once with the TODO a starter stopped at", async () => {
    const server = run(fixture("todo-starter.ts"), ["0"], { label: "your server", deadlineMs: 60_000 });
    const err = await rejection(server.port());
    expect(err).toBeInstanceOf(NotDoneYet);
    expect(err.message).toBe("Not done yet: TODO: stage 1: declare params, then accept a client");
    expect((err as NotDoneYet).code).toBe("KATA_NOT_DONE");
    expect(err.stack).toMatch(/^NotDoneYet \[KATA_NOT_DONE\]: Not done yet: TODO: stage 1: /);
    expect(await rejection(server.waitForExit())).toBeInstanceOf(NotDoneYet);
    expect(server.todo()).toBe("stage 1: declare params, then accept a client");
  });

  it("fails waitForStdout at once on the first byte that differs, with a byte diff", async () => {
    const { run: server, connect } = await startServer(fixture("tiny-server.ts"), { deadlineMs: 60_000 });
    // Not printed yet, but still possible: this wait goes on until the second client comes.
    const both = server.waitForStdout("client 1\nclient 2\n");
    await (await connect()).waitForEnd();
    await server.waitForStdout("client 1\n");
    await (await connect()).waitForEnd();
    await both;
    await (await connect()).waitForEnd();
    await server.waitForStdout("client 1\nclient 2\nclient 3\n");
    const err = await rejection(server.waitForStdout("client 1\nclient 2\nclient 9\n"));
    expect(err).toBeInstanceOf(BytesMismatch);
    expect(err.message).toBe(
      [
        "your server printed something that can no longer become what the test waits for.",
        "your server stdout so far is not what was expected.",
        '  expected: "client 1\\nclient 2\\nclient 9\\n" (27 bytes)',
        '  got:      "client 1\\nclient 2\\nclient 3\\n" (27 bytes)',
        "  first difference at byte 25 (marked |):",
        '    expected: …"lient 1\\nclient 2\\nclient " | "9\\n"',
        '    got:      …"lient 1\\nclient 2\\nclient " | "3\\n"',
        "[your server stdout] client 1",
        "[your server stdout] client 2",
        "[your server stdout] client 3",
        "[your server stderr] (nothing)",
      ].join("\n"),
    );
  });
});

describe("a wait that reaches its deadline", () => {
  it("says where the program is blocked, with its output, and ends it", async () => {
    const server = run(fixture("tiny-server.ts"), ["0"], { label: "your server", deadlineMs: 150 });
    await server.port(5_000);
    await server.waitUntil("the server to block in accept()", () => server.blockedIn !== undefined, 5_000);
    const err = await rejection(server.waitForStdout("client 1\n"));
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect(err.message).toBe(
      `Timed out after 150 ms waiting for your server to print "client 1\\n" (9 bytes).\nyour server is blocked in accept(3).\n${QUIET}`,
    );
    expect(server.running).toBe(false);
  });

  it("says a program that spins is in no call and its event loop does not run, and ends it", async () => {
    const server = run(fixture("spin-server.ts"), ["0"], { label: "your server", deadlineMs: 200 });
    await connectLocal(await server.port(5_000));
    await server.waitForStdout("spinning\n", 5_000);
    const err = await rejection(server.waitForExit());
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect(err.message).toBe(
      "Timed out after 200 ms waiting for your server to exit.\n" +
        "your server has not let its event loop run since accept() returned, and is in no socket call: a loop that never ends, or never awaits?\n" +
        "[your server stdout] spinning\n[your server stderr] (nothing)",
    );
    // Ended: a worker stops even in `for (;;) {}`.
    expect(server.running).toBe(false);
  });

  it("names a server that spins when a test client's own wait runs out", async () => {
    const server = run(fixture("spin-server.ts"), ["0"], { label: "your server" });
    const c = await connectLocal(await server.port(), 300);
    await server.waitForStdout("spinning\n");
    const err = await rejection(c.waitForEnd());
    expect(err).toBeInstanceOf(DeadlineExceeded);
    const spinning =
      "your server has not let its event loop run since accept() returned, and is in no socket call: a loop that never ends, or never awaits?";
    expect((err as DeadlineExceeded).blocked).toEqual([spinning]);
    expect(err.message).toBe(
      "Timed out after 300 ms waiting for the server to close the connection (does it close the client's socket once that client is done?).\n" +
        `${spinning}\nreceived so far: 0 bytes`,
    );
  });

  it("says a program waiting for something other than a socket call that its event loop runs", async () => {
    const program = run(fixture("raw-main.ts"), ["stdin"], { deadlineMs: 100 });
    await program.waitForStdout("reading stdin\n", 5_000);
    const err = await rejection(program.waitForExit());
    expect(err.message).toBe(
      "Timed out after 100 ms waiting for your program to exit.\n" +
        "your program is in no socket call; its event loop runs (it waits for something else: stdin, a timer, a Promise that never settles?).\n" +
        "[your program stdout] reading stdin\n[your program stderr] (nothing)",
    );
  });
  it("also says where the other programs of the test are", async () => {
    const server = run(fixture("tiny-server.ts"), ["0"], { label: "your server" });
    await server.port();
    await server.waitUntil("the server to block in accept()", () => server.blockedIn !== undefined);
    const program = run(fixture("raw-main.ts"), ["stdin"], { deadlineMs: 100 });
    await program.waitForStdout("reading stdin\n", 5_000);
    const err = await rejection(program.waitForExit());
    expect((err as DeadlineExceeded).blocked).toEqual([
      "your program is in no socket call; its event loop runs (it waits for something else: stdin, a timer, a Promise that never settles?).",
      "your server is blocked in accept(3).",
    ]);
    expect(server.running).toBe(true);
  });
});

describe("a client in a worker", () => {
  it("is fed its stdin, which ends: each line goes to the server and its echo is printed", async () => {
    const peer = await listenLocal((s) => s.pipe(s));
    const client = run(fixture("winsock-client.ts"), ["127.0.0.1", String(peer.port)], {
      label: "your client",
      stdin: "one\n안녕\n",
    });
    await client.expectExit(0);
    expect(client.stdout.text).toBe("Connected\necho: one\necho: 안녕\n");
    expectCallOrder(client.trace, [
      "WSAStartup",
      "socket",
      "connect",
      "send",
      "recv",
      "closesocket",
      "WSACleanup",
    ]);
    expectAllClosed(client.trace);
  });

  it("gets what the test writes as it writes it, and the end of its input when the test ends it", async () => {
    const peer = await listenLocal((s) => s.pipe(s));
    const client = run(fixture("winsock-client.ts"), ["127.0.0.1", String(peer.port)], {
      label: "your client",
    });
    await client.waitForStdout("Connected\n");
    client.write("x\n");
    await client.waitForStdout("Connected\necho: x\n");
    client.write(Buffer.from("y\n"));
    await client.waitForStdout("Connected\necho: x\necho: y\n");
    client.endInput();
    await client.expectExit(0);
  });

  it("prints the listing's connect() error and exits 1 when nobody listens", async () => {
    const port = await refusedPort();
    const client = run(fixture("winsock-client.ts"), ["127.0.0.1", String(port)], { label: "your client" });
    const err = await rejection(client.expectExit(0));
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      `your client exited with code 1, 0 expected.\n[your client stdout] (nothing)\n[your client stderr] connect() error: ${WSA.WSAECONNREFUSED[1]} WSAECONNREFUSED (10061)`,
    );
  });
});

/** Pings until the program reports `n` sockets it has stopped reading (the buffers fill as the bytes arrive). */
async function pingsUntil(server: ProgramRun, n: number): Promise<void> {
  const start = performance.now();
  let holding: number | undefined;
  while ((holding = await server.ping()) !== n) {
    if (performance.now() - start > 5_000) throw new Error(`ping() still answers ${holding}, not ${n}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("ping(): the program's event loop answers", () => {
  it("with how many sockets its node:net servers took it has stopped reading (their read buffer is full)", async () => {
    const { run: server, connect } = await startServer(fixture("pausing-node-server.ts"));
    expect(await server.ping()).toBe(0);
    const read = await connect();
    const paused = await connect();
    await server.waitForConnections(2);
    // 1 MiB each: far more than a socket's read buffer (16 KiB), and within what the kernel's buffers absorb.
    const bytes = Buffer.alloc(1024 * 1024, 0x61);
    read.socket.write(bytes);
    paused.socket.write(bytes);
    await pingsUntil(server, 1);
    // The socket it reads never counts, however much it is sent.
    read.socket.write(bytes);
    expect(await server.ping()).toBe(1);
    server.stop("SIGINT");
    await server.expectExit(0);
    expect(await server.ping()).toBeUndefined();
  });
});

describe("what a program leaves, and a server that is gone", () => {
  it("names what main() left open when it returned (a node:net server it never closed)", async () => {
    const { run: server, connect } = await startServer(fixture("node-server.ts"));
    expect((await (await connect()).waitForEnd()).toString()).toBe("hi");
    await server.expectExit(0);
    expect(server.stdout.text).toBe("connected\n");
    expect(server.leftOpen).toContain("TCPServerWrap");
    // The bundle's node:net reports its servers' connections too, once each.
    expect(server.connections).toBe(1);
  });

  it("connect() after the server exited says so, with its exit code and the connections it took", async () => {
    const { run: server, port, connect } = await startServer(fixture("hello-server.ts"));
    expect((await (await connect()).waitForEnd()).toString()).toBe("Hello World!");
    await server.expectExit(0);
    const err = await rejection(connect());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      `your server exited with code 0 after 1 connection(s), while the test was waiting for a connection to port ${port}.\n` +
        "[your server stdout] accepted\n[your server stderr] (nothing)",
    );
  });
});

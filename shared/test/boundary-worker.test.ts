// Learner programs behind the boundary, in a worker thread (run(), startServer()): the fixture programs of
// test/fixtures are bundled and started the way a kata's tests start a learner's file, and these tests check what
// a test learns over the channel (port, output, calls, where it is blocked, exit) and how each wait ends: at once
// when the program exited, diverged or listens on the wrong port, and at its deadline otherwise.
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language and the
// programs' (KATA_LANG, which a worker reads when it starts) for this file only.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { WSA } from "../src/winsock/errors.ts";
import {
  BytesMismatch,
  connectLocal,
  DeadlineExceeded,
  expectAllClosed,
  expectCallOrder,
  freePort,
  listenLocal,
  NotDoneYet,
  refusedPort,
  run,
  RunFailed,
  startServer,
} from "../src/testing/index.ts";
import { fixture, pinLang, rejection, SHARED_DIR, swappedPorts, tempDirForFile, until } from "./helpers.ts";

pinLang("en");
const tmp = tempDirForFile("kata-boundary-");

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
    const server = run(fixture("no-htons-server.ts"), [String(asked)], { label: "your server", deadlineMs: 60_000 });
    const err = await rejection(server.port());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      `your server listens on port ${free}, not on ${asked} as asked: did you forget htons()? (htons(${asked}) = ${free}: the port goes into the address in network byte order.)\n${QUIET}`,
    );
    expect((await rejection(server.waitForStdout("client 1\n"))).message).toContain("did you forget htons()?");
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
        "your server is in no socket call and its event loop does not run: a loop that never ends, or never awaits?\n" +
        "[your server stdout] spinning\n[your server stderr] (nothing)",
    );
    // Ended: a worker stops even in `for (;;) {}`.
    expect(server.running).toBe(false);
  });

  it("says a program waiting for something other than a socket call that its event loop runs", async () => {
    const program = run(fixture("raw-main.ts"), ["stdin"], { deadlineMs: 100 });
    const err = await rejection(program.waitForExit());
    expect(err.message).toBe(
      "Timed out after 100 ms waiting for your program to exit.\n" +
        "your program is in no socket call; its event loop runs (it waits for something else: stdin, a timer, a Promise that never settles?).\n" +
        "[your program stdout] (nothing)\n[your program stderr] (nothing)",
    );
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
    expectCallOrder(client.trace, ["WSAStartup", "socket", "connect", "send", "recv", "closesocket", "WSACleanup"]);
    expectAllClosed(client.trace);
  });

  it("gets what the test writes as it writes it, and the end of its input when the test ends it", async () => {
    const peer = await listenLocal((s) => s.pipe(s));
    const client = run(fixture("winsock-client.ts"), ["127.0.0.1", String(peer.port)], { label: "your client" });
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

describe("a missing await in a program", () => {
  const LESSON =
    "read() was called on socket 4 while read() on it had not finished: did you forget `await` before read()? " +
    "accept(), connect(), read() and write() (recv() and send() in Winsock), bind() and listen() return a Promise; await it where C blocks.\n";

  it("in its loop: program() prints the lesson as one line, exit 1", async () => {
    const { run: server, connect } = await startServer(fixture("forgot-await.ts"));
    await connect();
    await server.expectExit(1);
    expect(server.stdout.text).toBe("reading\n");
    expect(server.stderr.text).toBe(LESSON);
  });

  it("in a function nobody awaits: the host prints the lesson as one line, exit 1", async () => {
    const { run: server, connect } = await startServer(fixture("unawaited-handler.ts"));
    await (await connect()).send("x");
    await server.expectExit(1);
    expect(server.stderr.text).toBe(LESSON);
  });
});

describe("a main() of its own", () => {
  it("that throws: its stack on stderr, with the program's own file and line, exit 1", async () => {
    const program = run(fixture("raw-main.ts"), ["throw"]);
    expect(await program.waitForExit()).toBe(1);
    expect(program.stderr.text).toMatch(/^TypeError: boom\n {4}at main \(.*raw-main\.ts:\d+:\d+\)/);
  });

  it("stopped: its signal is aborted with SIGTERM, or the signal asked, as the reason", async () => {
    for (const [signal, shown] of [[undefined, "SIGTERM"], ["SIGINT", "SIGINT"]] as const) {
      const program = run(fixture("raw-main.ts"), []);
      await program.waitForStdout("waiting\n");
      program.stop(signal);
      expect(await program.waitForExit()).toBe(3);
      expect(program.stdout.text).toBe(`waiting\nstopped by ${shown}\n`);
    }
  });

  it("reads the stdin given, to its end", async () => {
    const program = run(fixture("raw-main.ts"), ["stdin"], { stdin: "hello" });
    await program.expectExit(0);
    expect(program.stdout.text).toBe("got hello|end\n");
  });

  it("writes with console.log: that is its stdout too", async () => {
    const program = run(fixture("raw-main.ts"), ["console"]);
    await program.expectExit(0);
    await until("the console output", () => program.stdout.text === "via console.log\n");
  });

  it("a file that exports no main: says so, exit 1", async () => {
    const program = run(fixture("no-main.ts"), []);
    expect(await program.waitForExit()).toBe(1);
    expect(program.stderr.text).toBe(
      "no-main.ts exports no main(args, io): every program of a kata does (see its solution/).\n",
    );
  });

  it("a module that throws as it loads: its error on stderr, exit 1", async () => {
    const program = run(fixture("throws-at-load.ts"), []);
    expect(await program.waitForExit()).toBe(1);
    expect(program.stderr.text).toMatch(/^RangeError: broken at load: the table has no entries\n/);
  });
});

describe("loading a program", () => {
  it("a file that does not compile: every wait fails with file:line:column: message, once, no stack", async () => {
    const file = path.join(tmp(), "broken.ts");
    writeFileSync(file, 'export const main = async () => {\n  return (1 +;\n};\n');
    const program = run({ file, resolveFrom: tmp() }, [], { deadlineMs: 60_000 });
    const err = await rejection(program.port());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(`your program could not be loaded:\n${file}:2:14: Unexpected ";"`);
    expect((await rejection(program.waitForExit())).message).toBe(err.message);
    expect(program.exitCode).toBe(1);
    expect(program.stderr.text).toBe(`${file}:2:14: Unexpected ";"\n`);
  });

  it("a bundle is made afresh when the file or a file it imports changes", async () => {
    const dir = tmp();
    const file = path.join(dir, "greeter.ts");
    const text = path.join(dir, "text.ts");
    const cli = path.join(import.meta.dirname, "../src/cli/index.ts");
    const greeter = (suffix: string) =>
      `import { program } from ${JSON.stringify(cli)};\nimport { TEXT } from "./text.ts";\n` +
      `export const main = program({ name: "greeter.ts" }, async (_args, io) => { io.stdout.write(TEXT + ${JSON.stringify(suffix)}); });\n`;
    const printed = async () => {
      const program = run({ file, resolveFrom: dir }, []);
      await program.expectExit(0);
      return program.stdout.text;
    };
    writeFileSync(text, 'export const TEXT = "v1";\n');
    writeFileSync(file, greeter("\n"));
    expect(await printed()).toBe("v1\n");
    expect(await printed()).toBe("v1\n");
    writeFileSync(text, 'export const TEXT = "v2, longer";\n');
    expect(await printed()).toBe("v2, longer\n");
    writeFileSync(file, greeter("!\n"));
    expect(await printed()).toBe("v2, longer!\n");
  });
  it("an attempt folder anywhere imports @tcp-katas/shared from the kata package given as resolveFrom", async () => {
    // A kata package as pnpm lays it out (node_modules/@tcp-katas/shared linked to shared), and an attempt folder
    // beside it, outside both: its imports resolve from the kata, not from where the file is.
    const kata = path.join(tmp(), "kata");
    mkdirSync(path.join(kata, "node_modules", "@tcp-katas"), { recursive: true });
    symlinkSync(SHARED_DIR, path.join(kata, "node_modules", "@tcp-katas", "shared"), "dir");
    const attempt = path.join(tmp(), "attempt");
    mkdirSync(attempt);
    const file = path.join(attempt, "hello-server.ts");
    writeFileSync(
      file,
      readFileSync(fixture("hello-server.ts").file, "utf8")
        .replace("../../src/cli/index.ts", "@tcp-katas/shared/cli")
        .replace("../../src/posix/index.ts", "@tcp-katas/shared/posix"),
    );
    const { run: server, connect } = await startServer({ file, resolveFrom: kata });
    expect((await (await connect()).waitForEnd()).toString()).toBe("Hello World!");
    await server.expectExit(0);
    expect(server.connections).toBe(1);
    // The same program resolved from the attempt folder itself finds no package. (A copy: bundles are kept by
    // file, whatever resolveFrom was.)
    const copy = path.join(attempt, "copy.ts");
    writeFileSync(copy, readFileSync(file));
    const alone = run({ file: copy, resolveFrom: attempt }, ["0"]);
    expect((await rejection(alone.port())).message).toBe(
      `your program could not be loaded:\n${copy}:3:51: Could not resolve "@tcp-katas/shared/cli"\n` +
        `${copy}:18:8: Could not resolve "@tcp-katas/shared/posix"`,
    );
  });
});

import { once } from "node:events";
import net from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { program, ProgramExit, todo, TodoError } from "../src/cli/index.ts";
import { useLang } from "../src/i18n/index.ts";
import { close, PF_INET, SOCK_STREAM, socket } from "../src/posix/index.ts";
import {
  bytesDiff,
  BytesMismatch,
  connectLocal,
  DeadlineExceeded,
  describeBytes,
  errorMatching,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  freePort,
  listenLocal,
  NotDoneYet,
  prefixed,
  rechunkProxy,
  spawnProgram,
  startProgram,
  traced,
  unclosed,
  withDeadline,
} from "../src/testing/index.ts";
import { main as noHtonsServer, swappedPorts } from "./fixtures/no-htons-server.ts";
import { main as tinyServer } from "./fixtures/tiny-server.ts";

// These tests check the English texts word for word, whatever the machine's locale (i18n-ko.test.ts checks Korean).
// Scoped to this file: a vitest worker runs several files (isolate: false), and the language is process-wide.
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

describe("byte-exact messages", () => {
  it("describes bytes with escapes and a count", () => {
    expect(describeBytes("hello\n")).toBe('"hello\\n" (6 bytes)');
    expect(describeBytes("")).toBe('"" (0 bytes)');
    expect(describeBytes("안")).toBe('"안" (3 bytes)');
    expect(describeBytes(Buffer.from([0xea, 0xb0]))).toBe('"\\xea\\xb0" (2 bytes)');
    expect(describeBytes("a\tb\r\n\0")).toBe('"a\\tb\\r\\n\\0" (6 bytes)');
  });

  it("says where expected and got part", () => {
    const text = bytesDiff("The reply", "Hello World!", "Hello");
    expect(text).toContain('expected: "Hello World!" (12 bytes)');
    expect(text).toContain('got:      "Hello" (5 bytes)');
    expect(text).toContain("first difference at byte 5");
    expect(() => expectBytes("ab", "ab")).not.toThrow();
    expect(() => expectBytes("ab\n", "ab")).toThrow(errorMatching('expected: "ab" (2 bytes)'));
  });

  it("prefixes a transcript line by line", () => {
    expect(prefixed("your program", "a\nb\n")).toBe("[your program] a\n[your program] b");
    expect(prefixed("x", "")).toBe("[x] (nothing)");
  });
});

describe("deadlines", () => {
  it("fail with what was awaited and the context", async () => {
    await expect(
      withDeadline(new Promise(() => undefined), "the server to answer", 20, () => "ctx"),
    ).rejects.toThrow(errorMatching("Timed out after 20 ms waiting for the server to answer.\nctx"));
  });
});

describe("in-process programs", () => {
  it("learn the port from listen(), see output, and stop on the abort signal", async () => {
    const run = startProgram(tinyServer, ["0"], { label: "tiny" });
    const port = await run.port();
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("hi");
    await run.waitForStdout("client 1\n");
    run.stop();
    expect(await run.waitForExit()).toBe(0);
    expect(run.stdout.text).toBe("client 1\nbye\n");
    expectCallOrder(run.trace, ["socket", "bind", "listen", "accept", "write", "close"]);
    expectAllClosed(run.trace);
  });

  it("fail fast with the TODO text when a starter stops at todo()", async () => {
    const run = startProgram(
      program({ name: "s.ts", params: [] }, async () => todo("stage 1: accept a client")),
      [],
    );
    await expect(run.port()).rejects.toThrow(errorMatching("Not done yet: TODO: stage 1: accept a client"));
  });

  it("say the program exited before what was awaited", async () => {
    const run = startProgram(
      program({ name: "s.ts", params: [] }, async () => 4),
      [],
      { label: "your server" },
    );
    await expect(run.waitForStdout("never")).rejects.toThrow(
      errorMatching("your server exited with code 4 while the test was waiting for your server to print"),
    );
  });
});

describe("child processes", () => {
  it("run a .ts program through tsx, report its port over IPC, and end it with SIGTERM", async () => {
    const run = spawnProgram(path.join(import.meta.dirname, "fixtures/tiny-server.ts"), ["0"], {
      label: "tiny",
    });
    const port = await run.port(10_000);
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("hi");
    await run.waitForStdout("client 1\n");
    run.stop();
    expect(await run.waitForExit()).toBe(0);
    expect(run.stdout.text).toBe("client 1\nbye\n");
  });

  it("show the usage error and exit code 1", async () => {
    const run = spawnProgram(path.join(import.meta.dirname, "fixtures/tiny-server.ts"), [], {
      label: "tiny",
    });
    expect(await run.waitForExit(undefined, 10_000)).toBe(1);
    expect(run.stderr.text).toBe("Usage : tiny-server.ts <port>\n");
  });

  it("end at once, with the reason, when the process cannot start", async () => {
    const missing = path.join(import.meta.dirname, "fixtures", `no-such-folder-${process.pid}`);
    const run = spawnProgram(path.join(import.meta.dirname, "fixtures/tiny-server.ts"), ["0"], {
      cwd: missing,
      deadlineMs: 60_000,
    });
    expect(await run.waitForExit()).toBe(127);
    expect(run.stderr.text).toContain("ENOENT");
    await expect(run.port()).rejects.toThrow(
      errorMatching(
        "your program exited with code 127 while the test was waiting for your program to listen",
      ),
    );
  });

  it("freePort gives a port that can be listened on", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = net.createServer();
    server.listen(port, "127.0.0.1");
    await withDeadline(once(server, "listening"), `a listen on port ${port}`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe("the re-chunking proxy", () => {
  it("delivers every byte, in order, cut into pieces both ways, and passes on the half-close", async () => {
    const echo = await listenLocal((s) => s.pipe(s));
    const proxy = await rechunkProxy(echo.port, {
      toServer: { pieceSize: 3 },
      toClient: { pieceSize: 1, delayMs: 1 },
    });
    const c = await connectLocal(proxy.port);
    // One byte at a time with a pause between: a few hundred bytes keep it well inside the deadline on a busy machine.
    const message = Buffer.from("안녕하세요 hello 0123456789".repeat(6));
    await c.send(message);
    c.end();
    expectBytes(await c.waitForEnd(), message, "What came back through the proxy");
  });

  // What the proxy controls is its own writes; how the receiving kernel then groups them into reads is TCP's
  // business. So these tests watch the proxy's writes toward the sink, not the sink's reads.
  const writesTo = (port: number) => {
    // A spy that calls through: every socket write still happens, and is recorded with its socket.
    const spy = vi.spyOn(net.Socket.prototype, "write");
    // Asked once the transfer is over: a socket still connecting when it wrote knows its peer by then.
    return () =>
      spy.mock.calls
        .map((args, i) => [spy.mock.contexts[i] as net.Socket | undefined, args[0]] as const)
        .filter(([socket]) => socket?.remotePort === port)
        .map(([, data]) => Buffer.from(data).toString());
  };

  const sinkUntilEnd = async () => {
    const received: Buffer[] = [];
    let resolve!: () => void;
    const ended = new Promise<void>((r) => (resolve = r));
    const sink = await listenLocal((s) => s.on("data", (d: Buffer) => received.push(d)).on("end", resolve));
    return {
      sink,
      done: async () => (await withDeadline(ended, "the sink to see the end"), Buffer.concat(received)),
    };
  };

  it("cuts one write into pieces of the size asked, each its own write, in order", async () => {
    const { sink, done } = await sinkUntilEnd();
    const writes = writesTo(sink.port);
    const proxy = await rechunkProxy(sink.port, { toServer: { pieceSize: 2 } });
    const c = await connectLocal(proxy.port);
    await c.send("abcdef");
    c.end();
    expectBytes(await done(), "abcdef", "What the sink received");
    expect(writes()).toEqual(["ab", "cd", "ef"]);
  });

  it("merges writes that arrive within its window into one write", async () => {
    const { sink, done } = await sinkUntilEnd();
    const writes = writesTo(sink.port);
    // The window is long next to a loopback write (microseconds), so "cd" always lands inside it.
    const proxy = await rechunkProxy(sink.port, { toServer: { mergeMs: 1_000 } });
    const c = await connectLocal(proxy.port);
    await c.send("ab");
    await c.send("cd");
    c.end();
    expectBytes(await done(), "abcd", "What the sink received");
    expect(writes()).toEqual(["abcd"]);
  });
});

describe("call traces", () => {
  it("name the call out of order and the socket never closed", async () => {
    const { trace } = await traced(async () => {
      socket(PF_INET, SOCK_STREAM, 0);
      const b = socket(PF_INET, SOCK_STREAM, 0);
      close(b);
    });
    expect(unclosed(trace)).toEqual([{ fd: 3, openedBy: "socket" }]);
    expect(() => expectAllClosed(trace)).toThrow(
      errorMatching(
        "Every socket you open must be closed: 2 opened, 1 closed; socket 3, from socket(), was never closed.",
      ),
    );
    expect(() => expectCallOrder(trace, ["socket", "bind"])).toThrow(
      errorMatching("bind() was never called"),
    );
    expect(() => expectCallOrder(trace, ["socket", "close"])).not.toThrow();
    expect(() => expectCallOrder(trace, ["close", "socket"])).toThrow(
      errorMatching("socket() came before close() instead of after it"),
    );
  });
});

describe("messages that name the mistake", () => {
  it("count a missing close() and name the socket left open, with the call that opened it", async () => {
    const { trace } = await traced(async () => {
      const server = socket(PF_INET, SOCK_STREAM, 0);
      socket(PF_INET, SOCK_STREAM, 0); // stands for accept()'s socket below
      close(server);
    });
    // The same trace as a server that accepted one client and closed only the listening socket.
    const served = trace.map((e) => (e.result === 4 && e.call === "socket" ? { ...e, call: "accept" } : e));
    expect(() => expectCallOrder(served, ["socket", "accept", "close", "close"])).toThrow(
      errorMatching(
        "but close() was called once, twice expected: socket 4, from accept(), was never closed.",
      ),
    );
    expect(() => expectAllClosed(served)).toThrow(errorMatching("socket 4, from accept(), was never closed"));
  });

  it("say a call failed every time it was made", async () => {
    const { trace } = await traced(async () => {
      close(99);
    });
    expect(() => expectCallOrder(trace, ["close"])).toThrow(
      errorMatching("close() was called but never succeeded (EBADF)"),
    );
  });

  it("show a large output's difference with the bytes on both sides", () => {
    const expected = `${"x".repeat(100_000)}HELLO world${"y".repeat(100_000)}\n`;
    const got = `${"x".repeat(100_000)}HELLO_world${"y".repeat(50)}`;
    const text = bytesDiff("The echo", expected, got);
    expect(text).toContain("(200012 bytes)");
    expect(text).toContain("(100061 bytes)");
    expect(text).toContain("first difference at byte 100005 (marked |):");
    expect(text).toContain(`expected: …"${"x".repeat(19)}HELLO" | " world${"y".repeat(18)}"…`);
    expect(text).toContain(`got:      …"${"x".repeat(19)}HELLO" | "_world${"y".repeat(18)}"…`);
  });

  it("mark the end of the shorter value and the start of the longer one", () => {
    const short = bytesDiff("The reply", "Hello World!", "Hello");
    expect(short).toContain('expected: "Hello" | " World!"');
    expect(short).toContain('got:      "Hello" | (end)');
    const first = bytesDiff("The reply", "abc", "xbc");
    expect(first).toContain('expected: | "abc"');
    expect(first).toContain("first difference at byte 0");
  });

  it("fail every wait at once when a server listens on the byte-swapped port (htons forgotten)", async () => {
    const { free, asked } = await swappedPorts();
    const run = startProgram(noHtonsServer, [String(asked)], { label: "your server", deadlineMs: 60_000 });
    // A 60 s deadline: only the early failure can end this within the test's time-out.
    await expect(run.port()).rejects.toThrow(
      errorMatching(
        `your server listens on port ${free}, not on ${asked} as asked: did you forget htons()? (htons(${asked}) = ${free}`,
      ),
    );
    await expect(run.waitForStdout("client 1")).rejects.toThrow(errorMatching("did you forget htons()?"));
    await expect(run.waitForExit()).rejects.toThrow(errorMatching("did you forget htons()?"));
  });

  it("say which port a child process listens on when it is not the one asked", async () => {
    const { free, asked } = await swappedPorts();
    const run = spawnProgram(path.join(import.meta.dirname, "fixtures/no-htons-server.ts"), [String(asked)], {
      label: "your server",
      deadlineMs: 60_000,
    });
    await expect(run.waitForStdout("never")).rejects.toThrow(
      errorMatching(`your server listens on port ${free}, not on ${asked} as asked: did you forget htons()?`),
    );
  });

  it("leave a program that listens where asked alone", async () => {
    const port = await freePort();
    const run = startProgram(tinyServer, [String(port)], { label: "your server" });
    expect(await run.port()).toBe(port);
    run.stop();
    expect(await run.waitForExit()).toBe(0);
  });

  it("end a wait for bytes at once when the connection ends", async () => {
    const server = await listenLocal((s) => s.end("ab"));
    const c = await connectLocal(server.port);
    await expect(c.waitForBytes(10, undefined, 60_000)).rejects.toThrow(
      errorMatching("The connection ended after 2 of 10 bytes while waiting for 10 bytes from the server."),
    );
  });
});

describe("error codes", () => {
  it("are stable, head the stack, and stay on the error", async () => {
    const run = startProgram(
      program({ name: "s.ts", params: [] }, async () => todo("stage 1: accept a client")),
      [],
    );
    const err: unknown = await run.port().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotDoneYet);
    expect((err as NotDoneYet).code).toBe("KATA_NOT_DONE");
    expect((err as Error).stack).toMatch(
      /^NotDoneYet \[KATA_NOT_DONE\]: Not done yet: TODO: stage 1: accept a client\n/,
    );
    expect(new TodoError("TODO: x").code).toBe("KATA_TODO");
    expect(new ProgramExit(3)).toMatchObject({ code: "KATA_EXIT", exitCode: 3, message: "exit(3)" });
    expect(new DeadlineExceeded("late").code).toBe("KATA_DEADLINE");
    let mismatch: unknown;
    try {
      expectBytes("a", "b");
    } catch (e) {
      mismatch = e;
    }
    expect(mismatch).toBeInstanceOf(BytesMismatch);
    expect((mismatch as BytesMismatch).code).toBe("KATA_BYTES");
    expect((mismatch as BytesMismatch).name).toBe("BytesMismatch");
  });
});

import { once } from "node:events";
import net from "node:net";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { ProgramExit, TodoError } from "../src/cli/index.ts";
import { useLang } from "../src/i18n/index.ts";
import { close, PF_INET, SOCK_STREAM, socket } from "../src/posix/index.ts";
import {
  bytesDiff,
  BytesMismatch,
  byteSwapped,
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
  ProgramLoadError,
  rechunkProxy,
  RunFailed,
  traced,
  unclosed,
  withDeadline,
} from "../src/testing/index.ts";

// These tests check the English texts word for word, whatever the machine's locale (i18n-ko.test.ts checks Korean):
// the language is pinned for this file only, since a vitest worker runs several files (isolate: false).
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

describe("freePort", () => {
  it("gives a port that can be listened on, whose two bytes swapped are another port, 1024 or above", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(byteSwapped(port)).not.toBe(port);
    expect(byteSwapped(port)).toBeGreaterThanOrEqual(1024);
    const server = net.createServer();
    server.listen(port, "0.0.0.0");
    await withDeadline(once(server, "listening"), `a listen on port ${port}`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("never gives a port the OS hands out for port 0 (below every ephemeral range), nor one in use", async () => {
    const taken = await listenLocal();
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    expect(taken.port).toBeGreaterThanOrEqual(32_768);
    expect(ports).not.toContain(taken.port);
  });

  it("byteSwapped swaps the two bytes of a port", () => {
    expect(byteSwapped(0x1234)).toBe(0x3412);
    expect(byteSwapped(0x00ff)).toBe(0xff00);
    expect(byteSwapped(0xff00)).toBe(0x00ff);
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
    const proxy = await rechunkProxy(sink.port, { toServer: { mergeMs: 300 } });
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

  it("end a wait for bytes at once when the connection ends", async () => {
    const server = await listenLocal((s) => s.end("ab"));
    const c = await connectLocal(server.port);
    await expect(c.waitForBytes(10, undefined, 60_000)).rejects.toThrow(
      errorMatching("The connection ended after 2 of 10 bytes while waiting for 10 bytes from the server."),
    );
  });
});

describe("error codes", () => {
  it("are stable, head the stack, and stay on the error", () => {
    expect(new TodoError("TODO: x").code).toBe("KATA_TODO");
    expect(new ProgramExit(3)).toMatchObject({ code: "KATA_EXIT", exitCode: 3, message: "exit(3)" });
    const late = new DeadlineExceeded("late");
    expect([late.code, late.name]).toEqual(["KATA_DEADLINE", "DeadlineExceeded"]);
    expect(late.stack).toMatch(/^DeadlineExceeded \[KATA_DEADLINE\]: late\n/);
    const failed = new RunFailed("gone");
    expect([failed.code, failed.name]).toEqual(["KATA_RUN", "RunFailed"]);
    const todo = new NotDoneYet("stage 1");
    expect([todo.code, todo.name, todo.message]).toEqual([
      "KATA_NOT_DONE",
      "NotDoneYet",
      "Not done yet: TODO: stage 1",
    ]);
    const load = new ProgramLoadError("f.ts:1:1: x");
    expect([load.code, load.name, load.message]).toEqual(["KATA_LOAD", "ProgramLoadError", "f.ts:1:1: x"]);
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

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import {
  bytesDiff,
  BytesMismatch,
  countCalls,
  DeadlineExceeded,
  describeBytes,
  describeTrace,
  errorMatching,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  expectNoWriteAfterFailedRead,
  registerCleanup,
  type TraceEvent,
  unclosed,
  withDeadline,
} from "../src/testing/index.ts";

// Exact English texts: the language is pinned for this file only (the worker is shared across files).
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

/** The message a function throws, to compare whole. */
function thrownBy(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("nothing was thrown");
}

describe("describeBytes", () => {
  it("escapes control bytes of valid UTF-8 as \\xNN, and DEL too", () => {
    expect(describeBytes("a\x01b\x1f\x7fc")).toBe('"a\\x01b\\x1f\\x7fc" (6 bytes)');
  });

  it("escapes bytes of invalid UTF-8 one by one, keeping printable ASCII", () => {
    const bytes = Buffer.from([0xff, 0x41, 0x20, 0x7e, 0x01, 0x1f, 0x7f, 0x22, 0x5c, 0x0a]);
    expect(describeBytes(bytes)).toBe('"\\xffA ~\\x01\\x1f\\x7f\\"\\\\\\n" (10 bytes)');
  });

  it("says 1 byte, not 1 bytes", () => {
    expect(describeBytes("a")).toBe('"a" (1 byte)');
  });

  it("keeps the head and the tail of a value longer than max, and a value of exactly max whole", () => {
    expect(describeBytes("abcdefghij", 4)).toBe('"ab…ij" (10 bytes)');
    expect(describeBytes("abcd", 4)).toBe('"abcd" (4 bytes)');
  });
});

describe("bytesDiff", () => {
  it("says equal values are as expected", () => {
    expect(bytesDiff("The reply", "ab", "ab")).toBe('The reply: as expected, "ab" (2 bytes)');
  });

  it("writes the whole message, labels aligned", () => {
    expect(bytesDiff("The reply", "Hello World!", "Hello")).toBe(
      [
        "The reply is not what was expected.",
        '  expected: "Hello World!" (12 bytes)',
        '  got:      "Hello" (5 bytes)',
        "  first difference at byte 5 (marked |):",
        '    expected: "Hello" | " World!"',
        '    got:      "Hello" | (end)',
      ].join("\n"),
    );
  });

  it("never cuts a UTF-8 character before the difference", () => {
    const text = bytesDiff("The reply", `${"안".repeat(10)}abX`, `${"안".repeat(10)}abY`);
    expect(text.split("\n").slice(4)).toEqual([
      `    expected: …"${"안".repeat(8)}ab" | "X"`,
      `    got:      …"${"안".repeat(8)}ab" | "Y"`,
    ]);
  });

  it("never cuts a UTF-8 character after the difference", () => {
    const text = bytesDiff("The reply", `Xa${"안".repeat(10)}`, `Ya${"안".repeat(10)}`);
    expect(text.split("\n").slice(4)).toEqual([
      `    expected: | "Xa${"안".repeat(8)}"…`,
      `    got:      | "Ya${"안".repeat(8)}"…`,
    ]);
  });

  it("stops widening the context at the first byte of an invalid value", () => {
    const expected = Buffer.concat([Buffer.alloc(30, 0x80), Buffer.from("X")]);
    const got = Buffer.concat([Buffer.alloc(30, 0x80), Buffer.from("Y")]);
    const text = bytesDiff("The reply", expected, got);
    expect(text.split("\n")[4]).toBe(`    expected: "${"\\x80".repeat(30)}" | "X"`);
  });
});

describe("expectBytes", () => {
  it("names the output by default", () => {
    const message = thrownBy(() => expectBytes("a", "b"));
    expect(message.split("\n")[0]).toBe("The output is not what was expected.");
    expect(() => expectBytes("a", "b")).toThrow(BytesMismatch);
  });
});

const ev = (call: string, fd: number | undefined, result: number, error?: string): TraceEvent =>
  error === undefined ? { call, fd, result } : { call, fd, result, error };

describe("describeTrace", () => {
  it("shows descriptors, and the result and error of failed calls only", () => {
    const trace = [
      ev("socket", 3, 3),
      ev("WSAStartup", undefined, 0),
      ev("bind", 3, -1, "EADDRINUSE"),
      ev("recv", 3, -1),
      ev("closesocket", 5, 0xffff_ffff, "WSAENOTSOCK"),
    ];
    expect(describeTrace(trace)).toBe(
      "socket(3) → WSAStartup() → bind(3) -> -1 EADDRINUSE → recv(3) -> -1 → closesocket(5) -> 4294967295 WSAENOTSOCK",
    );
  });

  it("says there were no calls, and cuts a long trace at max", () => {
    expect(describeTrace([])).toBe("(no calls at all)");
    const three = [ev("a", undefined, 0), ev("b", undefined, 0), ev("c", undefined, 0)];
    expect(describeTrace(three, 2)).toBe("a() → b() → … (1 more)");
    expect(describeTrace(three, 3)).toBe("a() → b() → c()");
  });
});

describe("expectCallOrder's messages", () => {
  it("count a call made too few times, without naming sockets when all are closed", () => {
    const trace = [ev("socket", 3, 3), ev("close", 3, 0)];
    expect(thrownBy(() => expectCallOrder(trace, ["socket", "close", "close"]))).toBe(
      "Expected the calls socket() → close() → close() in that order, but close() was called once, twice expected.\n" +
        "Your calls: socket(3) → close(3)",
    );
  });

  it("count beyond twice", () => {
    const trace = [ev("send", 3, 1)];
    expect(thrownBy(() => expectCallOrder(trace, ["send", "send", "send"])).split("\n")[0]).toBe(
      "Expected the calls send() → send() → send() in that order, but send() was called once, 3 times expected.",
    );
  });

  it("treat a -1 without an errno as a failure", () => {
    const trace = [ev("bind", 3, -1)];
    expect(thrownBy(() => expectCallOrder(trace, ["bind"])).split("\n")[0]).toBe(
      "Expected the calls bind() in that order, but bind() was called but never succeeded (-1).",
    );
  });

  it("name every socket left open, separated", () => {
    const trace = [ev("socket", 3, 3), ev("accept", 3, 4)];
    expect(thrownBy(() => expectCallOrder(trace, ["close"])).split("\n")[0]).toBe(
      "Expected the calls close() in that order, but close() was never called: socket 3, from socket(), was never closed; socket 4, from accept(), was never closed.",
    );
  });
});

describe("unclosed and expectAllClosed", () => {
  it("count only successful closes, and no other call as a close", () => {
    const trace = [
      ev("socket", 3, 3),
      ev("bind", 3, 0),
      ev("socket", 4, 4),
      ev("close", 4, 0),
      ev("close", 3, -1, "EINTR"),
    ];
    expect(unclosed(trace)).toEqual([{ fd: 3, openedBy: "socket" }]);
    expect(thrownBy(() => expectAllClosed(trace)).split("\n")[0]).toBe(
      "Every socket you open must be closed: 2 opened, 1 closed; socket 3, from socket(), was never closed.",
    );
  });

  it("counts the calls of one name", () => {
    const trace = [ev("send", 3, 1), ev("recv", 3, 0), ev("send", 3, 2)];
    expect(countCalls(trace, "send")).toBe(2);
    expect(countCalls(trace, "close")).toBe(0);
  });
});

describe("expectNoWriteAfterFailedRead", () => {
  it("names the write on a socket whose read failed, as -1 for read() and SOCKET_ERROR for recv()", () => {
    const posixTrace = [
      ev("accept", 4, 4),
      ev("read", 4, 3),
      ev("write", 4, 3),
      ev("read", 4, -1, "ECONNRESET"),
      ev("write", 4, -1, "EINVAL"),
    ];
    expect(thrownBy(() => expectNoWriteAfterFailedRead(posixTrace))).toBe(
      "write() was called on socket 4 after read() had failed on it (ECONNRESET): -1 is no byte count, and that connection is over. End the loop when read() returns 0 or -1 (loop while it is > 0), then close the socket.\n" +
        "Your calls: accept(4) → read(4) → write(4) → read(4) -> -1 ECONNRESET → write(4) -> -1 EINVAL",
    );
    const winsockTrace = [ev("recv", 260, -1, "WSAECONNRESET"), ev("send", 260, -1, "WSAECONNRESET")];
    expect(thrownBy(() => expectNoWriteAfterFailedRead(winsockTrace)).split("\n")[0]).toBe(
      "send() was called on socket 260 after recv() had failed on it (WSAECONNRESET): SOCKET_ERROR is no byte count, and that connection is over. End the loop when recv() returns 0 or SOCKET_ERROR (loop while it is > 0), then close the socket.",
    );
  });

  it("lets a program write to other sockets, and to a descriptor closed and handed out again", () => {
    expect(() =>
      expectNoWriteAfterFailedRead([
        ev("read", 4, -1, "ECONNRESET"),
        ev("write", 5, 2),
        ev("close", 4, 0),
        ev("accept", 3, 4),
        ev("write", 4, 2),
        ev("read", 6, 0),
        ev("write", 6, 1),
      ]),
    ).not.toThrow();
    expect(() =>
      expectNoWriteAfterFailedRead([ev("read", 4, -1, "ECONNRESET"), ev("accept", 3, 4), ev("write", 4, 1)]),
    ).not.toThrow();
  });
});

describe("withDeadline", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says only what it waited for when there is no context", async () => {
    const err: unknown = await withDeadline(new Promise(() => undefined), "x", 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect((err as DeadlineExceeded).name).toBe("DeadlineExceeded");
    expect((err as Error).message).toBe("Timed out after 5 ms waiting for x.");
  });

  it("leaves no timer behind once the promise has settled", async () => {
    vi.useFakeTimers();
    expect(await withDeadline(Promise.resolve(7), "x", 1_000)).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("errorMatching", () => {
  it("matches an object whose message contains the text or matches the pattern, and nothing else", () => {
    expect({ message: "a abc b" }).toEqual(errorMatching("abc"));
    expect({ message: "a abc b" }).not.toEqual(errorMatching("xyz"));
    expect({ message: "abc" }).toEqual(errorMatching(/^a.c$/));
    expect({ message: "abc" }).not.toEqual(errorMatching(/^b/));
    expect(undefined).not.toEqual(errorMatching("abc"));
  });
});

describe("registerCleanup outside a test", () => {
  let refused: unknown;
  beforeAll(() => {
    try {
      registerCleanup(() => undefined);
    } catch (err) {
      refused = err;
    }
  });

  it("is refused with a clear message, keeping the cause", () => {
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe(
      "The testing helpers open sockets that must be closed when a test ends: call them inside it(), not at the top of a file or in beforeAll.",
    );
    expect((refused as Error).cause).toBeInstanceOf(Error);
  });
});

// ProgramRun, the test's side of the boundary, driven event by event by a fake carrier: what each event changes,
// how each wait ends (at once when the program exited, diverged or listens on the wrong port; at its deadline
// otherwise, saying where the program was), and the texts it fails with. Output and prefixed() too.
//
// The texts are checked word for word in English: the language is pinned for this file only (useLang("en") in
// beforeAll, back in afterAll), since a vitest worker runs several files.
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import type { ProgramCommand, ProgramEvent } from "../src/testing/boundary/protocol.ts";
import {
  BytesMismatch,
  DeadlineExceeded,
  DEFAULT_DEADLINE_MS,
  NotDoneYet,
  Output,
  prefixed,
  ProgramRun,
  registerCleanup,
  RunFailed,
  withDeadline,
} from "../src/testing/index.ts";
import { rejection, turn } from "./helpers.ts";

beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

/** A run whose "program" is the test: it feeds the events a carrier would, and keeps the commands sent. */
class FakeRun extends ProgramRun {
  readonly sent: ProgramCommand[] = [];
  ends = 0;
  /** Whether the "program" answers a ping (its event loop runs). */
  answersPings = true;

  constructor(args: readonly string[] = [], label?: string, deadlineMs?: number) {
    super(label ?? "your program", args, deadlineMs);
    // A run is another's peer until it is ended: ended with its test, as run() ends a real one.
    registerCleanup(() => this.end());
  }

  feed(...events: ProgramEvent[]): this {
    for (const event of events) this.receive(event);
    return this;
  }

  loadFails(message: string): void {
    this.failedToLoad(message);
  }

  protected send(command: ProgramCommand): void {
    this.sent.push(command);
    if (command.type === "ping" && this.answersPings)
      queueMicrotask(() => this.receive({ type: "pong", holding: 0 }));
  }

  async end(): Promise<void> {
    this.ends += 1;
    this.released();
  }
}

const out = (text: string): ProgramEvent => ({ type: "out", stream: "stdout", data: Buffer.from(text) });
const err = (text: string): ProgramEvent => ({ type: "out", stream: "stderr", data: Buffer.from(text) });
const exit = (code: number, leftOpen?: string[]): ProgramEvent => ({ type: "exit", code, leftOpen });
const params = (...names: string[]): ProgramEvent => ({ type: "params", params: names });
const listening = (port: number): ProgramEvent => ({ type: "listening", port });

const EMPTY = "[your program stdout] (nothing)\n[your program stderr] (nothing)";
/** Long enough that only an early failure can end a wait within the test's time-out. */
const LONG = 60_000;

describe("the port asked for", () => {
  it("is the argument at the position of <port>; another port fails the wait, saying so", async () => {
    const run = new FakeRun(["127.0.0.1", "4660"], undefined, LONG).feed(
      params("<IP>", "<port>"),
      listening(999),
    );
    const error = await rejection(run.port());
    expect(error).toBeInstanceOf(RunFailed);
    expect(error.message).toBe(
      `your program listens on port 999, not on 4660 as asked: does the port passed to bind() come from the argument?\n${EMPTY}`,
    );
  });

  it("asks about htons() only when the port is the byte-swapped one", async () => {
    const run = new FakeRun(["4660"], undefined, LONG).feed(params("<port>"), listening(0x3412));
    expect((await rejection(run.port())).message.split("\n")[0]).toBe(
      "your program listens on port 13330, not on 4660 as asked: did you forget htons()? (htons(4660) = 13330: the port goes into the address in network byte order.)",
    );
  });

  it("is checked whichever comes first, the parameters or the listening, and up to 65535", async () => {
    const run = new FakeRun(["65535"], undefined, LONG).feed(listening(1000), params("<port>"));
    expect((await rejection(run.port())).message.split("\n")[0]).toBe(
      "your program listens on port 1000, not on 65535 as asked: does the port passed to bind() come from the argument?",
    );
  });

  it("is not checked without <port>, without parameters, or for 0 or what is no port", async () => {
    const cases: [ProgramEvent[], string[]][] = [
      [[params("<host>")], ["4660"]],
      [[], ["4660"]],
      [[params("<port>")], ["0"]],
      [[params("<port>")], ["12.5"]],
      [[params("<port>")], ["65536"]],
      [[params("<port>")], ["-5"]],
    ];
    for (const [events, args] of cases) {
      const run = new FakeRun(args).feed(...events, listening(1000));
      expect(await run.port(), args.join(" ")).toBe(1000);
    }
  });

  it("is the first port the program listens on", async () => {
    const run = new FakeRun(["1000"]).feed(params("<port>"), listening(1000), listening(2000));
    expect(await run.port()).toBe(1000);
  });

  it("is waited for until the program listens", async () => {
    const run = new FakeRun();
    const port = run.port();
    run.feed(listening(42));
    expect(await port).toBe(42);
  });
});

describe("what the program sends", () => {
  it("its output goes to stdout or stderr; calls to the trace; connections are counted", () => {
    const call = { call: "socket", fd: 3, result: 3 };
    const run = new FakeRun().feed(
      out("a"),
      err("b"),
      out("c"),
      { type: "call", event: call },
      { type: "connection" },
    );
    run.feed({ type: "connection" });
    expect([run.stdout.text, run.stderr.text]).toEqual(["ac", "b"]);
    expect(run.trace).toEqual([call]);
    expect(run.connections).toBe(2);
  });

  it("it is blocked from a wait until that call ends, not another", () => {
    const run = new FakeRun().feed({ type: "wait", waiting: { call: "accept", fd: 3 } });
    expect(run.blockedIn).toEqual({ call: "accept", fd: 3 });
    run.feed({ type: "call", event: { call: "getsockname", fd: 3, result: 0 } });
    expect(run.blockedIn).toEqual({ call: "accept", fd: 3 });
    run.feed({ type: "call", event: { call: "accept", fd: 3, result: 4 } });
    expect(run.blockedIn).toBeUndefined();
    run.feed({ type: "wait", waiting: { call: "read", fd: 4 } }, exit(0));
    expect(run.blockedIn).toBeUndefined();
  });

  it("its exit: the first code counts, with what it left open (none when not said), and the outputs end", async () => {
    const run = new FakeRun();
    expect([run.running, run.exitCode, run.leftOpen]).toEqual([true, undefined, []]);
    run.feed(exit(3, ["TCPServerWrap"]));
    expect([run.running, run.exitCode, run.leftOpen]).toEqual([false, 3, ["TCPServerWrap"]]);
    run.feed(exit(4));
    expect(run.exitCode).toBe(3);
    expect([run.stdout.ended, run.stderr.ended]).toEqual([true, true]);
    expect(await run.waitForExit()).toBe(3);
    expect(new FakeRun().feed(exit(0)).leftOpen).toEqual([]);
  });
});

describe("what the test sends", () => {
  it("stdin as bytes, its end, and a signal (SIGTERM unless another is asked) only while the program runs", () => {
    const run = new FakeRun();
    run.write("hé");
    run.write(Uint8Array.of(1, 2));
    run.endInput();
    run.stop();
    run.stop("SIGINT");
    run.feed(exit(0));
    run.stop();
    expect(run.sent).toEqual([
      { type: "stdin", data: Buffer.from("hé") },
      { type: "stdin", data: Uint8Array.of(1, 2) },
      { type: "end-stdin" },
      { type: "signal", signal: "SIGTERM" },
      { type: "signal", signal: "SIGINT" },
    ]);
  });
});

describe("labels, transcripts and TODOs", () => {
  it("a run has the default label and deadline unless given; the usual labels are shown in the learner's language", () => {
    const run = new FakeRun();
    expect([run.label, run.shownLabel, run.deadlineMs]).toEqual([
      "your program",
      "your program",
      DEFAULT_DEADLINE_MS,
    ]);
    expect(DEFAULT_DEADLINE_MS).toBe(5_000);
    useLang("ko");
    try {
      expect(new FakeRun([], "your server").shownLabel).toBe("내 서버");
      expect(new FakeRun([], "echo-server.ts").shownLabel).toBe("echo-server.ts");
    } finally {
      useLang("en");
    }
  });

  it("the transcript shows both outputs, each line prefixed", () => {
    const run = new FakeRun([], "your server").feed(out("a\nb\n"));
    expect(run.transcript()).toBe(
      "[your server stdout] a\n[your server stdout] b\n[your server stderr] (nothing)",
    );
  });

  it("a TODO is found only at the start of a line of stderr", () => {
    const run = new FakeRun().feed(err("note: TODO: later\n"));
    expect(run.todo()).toBeUndefined();
    run.feed(err("TODO: stage 2\n"));
    expect(run.todo()).toBe("stage 2");
  });
});

describe("waits that end at once", () => {
  it("when the program exited: with its code, what was awaited and both outputs", async () => {
    const run = new FakeRun([], "your server", LONG);
    const waiting = run.waitForStdout("never");
    run.feed(err("oops\n"), exit(4));
    const error = await rejection(waiting);
    expect(error).toBeInstanceOf(RunFailed);
    expect(error.message).toBe(
      'your server exited with code 4 while the test was waiting for your server to print "never" (5 bytes).\n[your server stdout] (nothing)\n[your server stderr] oops',
    );
  });

  it("when it exited after taking connections: says how many", async () => {
    const run = new FakeRun([], "your server", LONG).feed(
      { type: "connection" },
      { type: "connection" },
      exit(0),
    );
    expect((await rejection(run.waitForConnections(3))).message.split("\n")[0]).toBe(
      "your server exited with code 0 after 2 connection(s), while the test was waiting for your server to take a connection.",
    );
  });

  it("when it stopped at a TODO: with the TODO's text, for every wait", async () => {
    const run = new FakeRun([], undefined, LONG).feed(err("TODO: stage 2\n"), exit(1));
    for (const wait of [() => run.port(), () => run.waitForExit(), () => run.waitForStdout("x")]) {
      const error = await rejection(wait());
      expect(error).toBeInstanceOf(NotDoneYet);
      expect(error.message).toBe("Not done yet: TODO: stage 2");
    }
  });

  it("when it could not be loaded: says so with the reason, which is its stderr, exit code 1", async () => {
    const run = new FakeRun([], undefined, LONG);
    run.loadFails("f.ts:1:2: Unexpected end of file");
    expect([run.exitCode, run.stderr.text]).toEqual([1, "f.ts:1:2: Unexpected end of file\n"]);
    for (const wait of [() => run.port(), () => run.waitForExit()]) {
      const error = await rejection(wait());
      expect(error).toBeInstanceOf(RunFailed);
      expect(error.message).toBe("your program could not be loaded:\nf.ts:1:2: Unexpected end of file");
    }
  });

  it("when it listens on another port: every wait for what has not happened, before its exit or after", async () => {
    const run = new FakeRun(["4660"], undefined, LONG).feed(params("<port>"), listening(5000));
    const asked = "listens on port 5000, not on 4660 as asked";
    for (const wait of [() => run.port(), () => run.waitForExit(), () => run.waitForConnections(1)])
      expect((await rejection(wait())).message).toContain(asked);
    run.feed(exit(0));
    for (const wait of [() => run.port(), () => run.waitForStdout("x"), () => run.waitForConnections(1)])
      expect((await rejection(wait())).message).toContain(asked);
  });

  it("waitForStdout: when what it printed can no longer become what is awaited, with a byte diff", async () => {
    const run = new FakeRun([], undefined, LONG).feed(out("Hello"));
    const waiting = run.waitForStdout("Hello World!\n");
    run.feed(out(" Wor"));
    await turn();
    run.feed(out("ds"));
    const error = await rejection(waiting);
    expect(error).toBeInstanceOf(BytesMismatch);
    expect(error.message).toBe(
      [
        "your program printed something that can no longer become what the test waits for.",
        "your program stdout so far is not what was expected.",
        '  expected: "Hello World!\\n" (13 bytes)',
        '  got:      "Hello Words" (11 bytes)',
        "  first difference at byte 9 (marked |):",
        '    expected: "Hello Wor" | "ld!\\n"',
        '    got:      "Hello Wor" | "ds"',
        "[your program stdout] Hello Words",
        "[your program stderr] (nothing)",
      ].join("\n"),
    );
  });

  it("waitForStdout: shows at most 40 bytes beyond what was awaited in its diff", async () => {
    const run = new FakeRun().feed(out(`X${"y".repeat(100)}`));
    const error = await rejection(run.waitForStdout("ab"));
    expect(error.message.split("\n")[3]).toBe(`  got:      "X${"y".repeat(41)}" (42 bytes)`);
  });
});

describe("waits that succeed", () => {
  it("waitForStdout: once stdout begins with what is awaited, from its first byte", async () => {
    const run = new FakeRun([], undefined, LONG).feed(out("ab"));
    await run.waitForStdout("ab");
    await run.waitForStdout("");
    const longer = run.waitForStdout("abcd");
    run.feed(out("c"));
    await turn();
    run.feed(out("de"));
    await longer;
    await run.waitForStdout(Buffer.from("abc"));
  });

  it("waitForCall gives the first call that matches, once it is made", async () => {
    const run = new FakeRun();
    const waiting = run.waitForCall("a read of 2 bytes", (e) => e.call === "read" && e.result === 2);
    const first = { call: "read", fd: 4, result: 2 };
    run.feed(
      { type: "call", event: { call: "read", fd: 4, result: 1 } },
      { type: "call", event: first },
      { type: "call", event: { call: "read", fd: 5, result: 2 } },
    );
    expect(await waiting).toBe(first);
  });

  it("waitForConnections: once that many have been taken in all", async () => {
    const run = new FakeRun();
    const waiting = run.waitForConnections(2);
    let done = false;
    void waiting.then(() => (done = true));
    run.feed({ type: "connection" });
    await turn();
    expect(done).toBe(false);
    run.feed({ type: "connection" });
    await waiting;
  });

  it("waitUntil: once what it checks holds, checked after every event", async () => {
    const run = new FakeRun();
    const waiting = run.waitUntil("two lines", () => run.stdout.text.split("\n").length > 2);
    run.feed(out("a\n"));
    await turn();
    run.feed(out("b\n"));
    await waiting;
    expect(
      (await rejection(new FakeRun([], undefined, 10).waitUntil("never", () => false))).message.split(
        "\n",
      )[0],
    ).toBe("Timed out after 10 ms waiting for never.");
    const gone = new FakeRun([], undefined, LONG).feed(exit(2));
    expect((await rejection(gone.waitUntil("a thing", () => false))).message.split("\n")[0]).toBe(
      "your program exited with code 2 while the test was waiting for a thing.",
    );
  });

  it("expectExit passes on the code expected, and shows both outputs with any other", async () => {
    await new FakeRun().feed(exit(0)).expectExit(0);
    const wrong = new FakeRun().feed(err("connect() error: refused (ECONNREFUSED)\n"), exit(1));
    const error = await rejection(wrong.expectExit(0));
    expect(error).toBeInstanceOf(RunFailed);
    expect(error.message).toBe(
      "your program exited with code 1, 0 expected.\n[your program stdout] (nothing)\n[your program stderr] connect() error: refused (ECONNREFUSED)",
    );
  });
});

describe("waits that reach their deadline", () => {
  it("say what was awaited, where the program is blocked and its output, and end it", async () => {
    const run = new FakeRun([], undefined, 10).feed({ type: "wait", waiting: { call: "accept", fd: 3 } });
    const error = await rejection(run.waitForStdout("x"));
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect(error.message).toBe(
      `Timed out after 10 ms waiting for your program to print "x" (1 byte).\nyour program is blocked in accept(3).\n${EMPTY}`,
    );
    expect(run.ends).toBe(1);
    expect(run.sent).toEqual([]);
  });

  it("ask a program in no call whether its event loop runs: idle when it answers", async () => {
    const run = new FakeRun();
    const error = await rejection(run.waitForExit(undefined, 10));
    expect(error.message).toBe(
      `Timed out after 10 ms waiting for your program to exit.\nyour program is in no socket call; its event loop runs (it waits for something else: stdin, a timer, a Promise that never settles?).\n${EMPTY}`,
    );
    expect(run.sent).toEqual([{ type: "ping" }]);
  });

  it("busy when it does not answer", async () => {
    const run = new FakeRun();
    run.answersPings = false;
    const error = await rejection(run.waitForConnections(1, 10));
    expect(error.message).toBe(
      `Timed out after 10 ms waiting for your program to take a connection.\nyour program is in no socket call and its event loop does not run: a loop that never ends, or never awaits?\n${EMPTY}`,
    );
  });

  it("say where the other runs of the test are: the connected socket each closed last, where it is or how it ended", async () => {
    const server = new FakeRun([], "your server").feed(
      { type: "call", event: { call: "accept", fd: 3, result: -1, error: "EINTR" } },
      { type: "call", event: { call: "accept", fd: 3, result: 4 } },
      { type: "call", event: { call: "accept", fd: 3, result: 5 } },
      { type: "call", event: { call: "close", fd: 4, result: 0 } },
      { type: "call", event: { call: "close", fd: 3, result: 0 } },
      { type: "call", event: { call: "close", fd: 9, result: -1, error: "EBADF" } },
      { type: "wait", waiting: { call: "read", fd: 5 } },
    );
    new FakeRun([], "your client").feed(
      { type: "call", event: { call: "connect", fd: 3, result: -1, error: "ECONNREFUSED" } },
      { type: "call", event: { call: "connect", fd: 4, result: 0 } },
      { type: "call", event: { call: "closesocket", fd: 4, result: 0 } },
      exit(0),
    );
    const ended = new FakeRun([], "ended");
    await ended.end();
    const quiet = new FakeRun([], "quiet");
    const run = new FakeRun([], undefined, 10).feed({ type: "wait", waiting: { call: "recv", fd: 260 } });
    const error = await rejection(run.waitForExit());
    expect(error).toBeInstanceOf(DeadlineExceeded);
    const blocked = [
      "your program is blocked in recv(260).",
      "your server closed socket 4. your server is blocked in read(5).",
      "your client closed socket 4. your client has exited with code 0.",
      "quiet is in no socket call; its event loop runs (it waits for something else: stdin, a timer, a Promise that never settles?).",
    ];
    expect((error as DeadlineExceeded).blocked).toEqual(blocked);
    expect(error.message).toBe(
      ["Timed out after 10 ms waiting for your program to exit.", ...blocked, EMPTY].join("\n"),
    );
    // Ended by its wait, it is no one's peer any more.
    expect((await rejection(quiet.waitForExit(undefined, 10))).message).not.toContain("your program");
    expect(await server.asPeer()).toBe("your server closed socket 4. your server is blocked in read(5).");
  });

  it("where it is: nothing once it has exited", async () => {
    expect(await new FakeRun().feed(exit(0)).whereNow()).toBe("");
  });

  it("use each wait's own deadline, else the run's", async () => {
    const run = new FakeRun([], undefined, 10);
    expect((await rejection(run.waitForCall("a call", () => false))).message.split("\n")[0]).toBe(
      "Timed out after 10 ms waiting for a call.",
    );
    expect((await rejection(run.port(15))).message.split("\n")[0]).toBe(
      "Timed out after 15 ms waiting for your program to listen.",
    );
  });
});

describe("Output", () => {
  it("counts the bytes of text chunks, not their characters", async () => {
    const source = new PassThrough({ encoding: "utf8" });
    const output = new Output(source);
    source.end(Buffer.from("안"));
    await withDeadline(
      output.until((o) => o.ended),
      "the stream to end",
    );
    expect(output.length).toBe(3);
    expect(output.text).toBe("안");
  });

  it("ends when its stream closes without an end", async () => {
    const source = new PassThrough();
    const output = new Output(source);
    source.destroy();
    await withDeadline(
      output.until((o) => o.ended),
      "the output to end",
    );
    expect(output.ended).toBe(true);
  });

  it("joins its chunks once", () => {
    const output = new Output();
    output.push(Buffer.from("a"));
    output.push(Buffer.from("b"));
    expect(output.bytes).toBe(output.bytes);
    expect(output.text).toBe("ab");
  });
});

describe("prefixed", () => {
  it("keeps a last line without a newline", () => {
    expect(prefixed("x", "a\nb")).toBe("[x] a\n[x] b");
  });

  it("shows 40 lines whole, and cuts the middle of more", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`);
    expect(prefixed("x", lines(40).join("\n"))).toBe(
      lines(40)
        .map((l) => `[x] ${l}`)
        .join("\n"),
    );
    const shown = lines(41).map((l) => `[x] ${l}`);
    expect(prefixed("x", lines(41).join("\n"))).toBe(
      [...shown.slice(0, 20), "[x] … 1 more lines …", ...shown.slice(-20)].join("\n"),
    );
  });
});

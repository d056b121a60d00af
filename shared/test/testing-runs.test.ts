import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Main } from "../src/cli/program.ts";
import { useLang } from "../src/i18n/index.ts";
import {
  DeadlineExceeded,
  NotDoneYet,
  Output,
  prefixed,
  ProgramRun,
  startProgram,
  withDeadline,
} from "../src/testing/index.ts";
import { mirror } from "../src/testing/live.ts";

// Exact English texts: the language is pinned for this file only (the worker is shared across files).
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

/** A run driven by the test itself: it says when the "program" listens, prints and exits. */
class FakeRun extends ProgramRun {
  constructor(params: readonly string[] | undefined, args: readonly string[], label = "your program") {
    super(label);
    this.expectPort(params, args);
  }

  exit(code: number): void {
    this.exited(code);
  }

  listensOn(port: number): void {
    this.listening(port);
  }

  write(): void {
    // no input to write to
  }

  endInput(): void {
    // no input to end
  }

  stop(): void {
    // nothing to stop
  }
}

/** What a promise rejected with (fails if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(result instanceof Error)) throw new Error("the promise did not reject with an Error");
  return result;
}

const EMPTY_TRANSCRIPT = "[your program stdout] (nothing)\n[your program stderr] (nothing)";

describe("the port asked for", () => {
  it("is found at the position of <port>, wherever it is among the parameters", async () => {
    const run = new FakeRun(["<host>", "<port>"], ["127.0.0.1", "4660"]);
    run.listensOn(999);
    expect((await rejection(run.port(60_000))).message).toBe(
      "your program listens on port 999, not on 4660 as asked: does the port passed to bind() come from the argument?\n" +
        EMPTY_TRANSCRIPT,
    );
  });

  it("names htons() only when the port is the byte-swapped one", async () => {
    const run = new FakeRun(["<port>"], ["4660"]);
    run.listensOn(0x3412);
    expect((await rejection(run.port(60_000))).message.split("\n")[0]).toBe(
      "your program listens on port 13330, not on 4660 as asked: did you forget htons()? (htons(4660) = 13330: the port goes into the address in network byte order.)",
    );
  });

  it("is not checked without <port>, without parameters, or when the argument is not a port", async () => {
    const cases: [readonly string[] | undefined, string[]][] = [
      [["<host>"], ["4660"]],
      [undefined, ["4660", "4660"]],
      [["<port>"], ["12.5"]],
      [["<port>"], ["70000"]],
    ];
    for (const [params, args] of cases) {
      const run = new FakeRun(params, args);
      run.listensOn(1000);
      expect(await run.port(60_000)).toBe(1000);
    }
  });

  it("is checked up to 65535", async () => {
    const run = new FakeRun(["<port>"], ["65535"]);
    run.listensOn(1000);
    expect((await rejection(run.port(60_000))).message.split("\n")[0]).toBe(
      "your program listens on port 1000, not on 65535 as asked: does the port passed to bind() come from the argument?",
    );
  });
});

describe("a run's state and transcript", () => {
  it("keeps the first exit code and stops running", async () => {
    const run = new FakeRun(undefined, []);
    expect(run.running).toBe(true);
    expect(run.exitCode).toBeUndefined();
    run.exit(3);
    run.exit(4);
    expect(run.running).toBe(false);
    expect(run.exitCode).toBe(3);
    expect(await run.waitForExit()).toBe(3);
  });

  it("expectExit passes on the code expected, and shows both outputs with any other", async () => {
    const ok = new FakeRun(undefined, []);
    ok.exit(0);
    await ok.expectExit(0);
    const wrong = new FakeRun(undefined, []);
    wrong.stderr.push(Buffer.from("connect() error: refused (ECONNREFUSED)\n"));
    wrong.exit(1);
    expect((await rejection(wrong.expectExit(0))).message).toBe(
      "your program exited with code 1, 0 expected.\n[your program stdout] (nothing)\n[your program stderr] connect() error: refused (ECONNREFUSED)",
    );
  });

  it("writes both outputs, each line prefixed", () => {
    const run = new FakeRun(undefined, []);
    run.stdout.push(Buffer.from("a\n"));
    expect(run.transcript()).toBe("[your program stdout] a\n[your program stderr] (nothing)");
  });

  it("finds a TODO only at the start of a line", () => {
    const run = new FakeRun(undefined, []);
    run.stderr.push(Buffer.from("note: TODO: later\n"));
    expect(run.todo()).toBeUndefined();
    run.stderr.push(Buffer.from("TODO: stage 2\n"));
    expect(run.todo()).toBe("stage 2");
  });

  it("fails waitForExit with the TODO a program stopped at", async () => {
    const run = new FakeRun(undefined, []);
    run.stderr.push(Buffer.from("TODO: stage 2\n"));
    run.exit(1);
    const err = await rejection(run.waitForExit());
    expect(err).toBeInstanceOf(NotDoneYet);
    expect(err.message).toBe("Not done yet: TODO: stage 2");
  });

  it("adds the transcript to a wait's time-out", async () => {
    const run = new FakeRun(undefined, []);
    const printed = await rejection(run.waitForStdout("x", undefined, 10));
    expect(printed).toBeInstanceOf(DeadlineExceeded);
    expect(printed.message).toBe(
      `Timed out after 10 ms waiting for your program to print "x".\n${EMPTY_TRANSCRIPT}`,
    );
    const exit = await rejection(run.waitForExit(undefined, 10));
    expect(exit.message).toBe(`Timed out after 10 ms waiting for your program to exit.\n${EMPTY_TRANSCRIPT}`);
  });

  it("counts the times a text was printed", async () => {
    const run = new FakeRun(undefined, []);
    run.stdout.push(Buffer.from("x-x"));
    await run.waitForCount("x", 2, undefined, 60_000);
    const err = await rejection(run.waitForCount("x", 3, undefined, 10));
    expect(err.message).toBe(
      `Timed out after 10 ms waiting for your program to print "x" 3 time(s).\n[your program stdout] x-x\n[your program stderr] (nothing)`,
    );
  });
});

describe("Output", () => {
  it("counts the bytes of text chunks, not their characters", async () => {
    const source = new PassThrough({ encoding: "utf8" });
    const out = new Output(source);
    source.end(Buffer.from("안"));
    await withDeadline(
      out.until((o) => o.ended),
      "the stream to end",
    );
    expect(out.length).toBe(3);
    expect(out.text).toBe("안");
  });

  it("ends when its stream closes without an end", async () => {
    const source = new PassThrough();
    const out = new Output(source);
    source.destroy();
    await withDeadline(
      out.until((o) => o.ended),
      "the output to end",
    );
    expect(out.ended).toBe(true);
  });

  it("joins its chunks once", () => {
    const out = new Output();
    out.push(Buffer.from("a"));
    out.push(Buffer.from("b"));
    expect(out.bytes).toBe(out.bytes);
  });

  it("rejects a wait with the abort's reason", async () => {
    const out = new Output();
    const err = await rejection(out.until(() => false, Promise.reject(new Error("boom"))));
    expect(err.message).toBe("boom");
    const fromText = await rejection(out.until(() => false, Promise.reject(new Error("again"))));
    expect(fromText.message).toBe("again");
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

/** A main() without program(): it does what `body` says with the io it is given. */
function rawMain(body: (args: readonly string[], io: Parameters<Main>[1]) => Promise<number>): Main {
  return Object.assign(body, { params: [] as readonly string[] });
}

describe("in-process runs", () => {
  it("start with an empty trace and the default label", async () => {
    const run = startProgram(
      rawMain(async () => 0),
      [],
    );
    expect(await run.waitForExit()).toBe(0);
    expect(run.trace).toEqual([]);
    expect(run.label).toBe("your program");
  });

  it("give the program its stdin, ended", async () => {
    const main = rawMain(async (_args, io) => {
      const chunks: Buffer[] = [];
      for await (const chunk of io?.stdin ?? []) chunks.push(Buffer.from(chunk as Buffer));
      io?.stdout?.write(`got ${Buffer.concat(chunks).toString()}\n`);
      return 0;
    });
    const run = startProgram(main, [], { stdin: "hello" });
    expect(await run.waitForExit()).toBe(0);
    expect(run.stdout.text).toBe("got hello\n");
  });

  it("stop the program with SIGTERM as the abort reason", async () => {
    const main = rawMain(async (_args, io) => {
      const signal = io?.signal;
      if (!signal) return 2;
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      io.stdout?.write(`${String(signal.reason)}\n`);
      return 0;
    });
    const run = startProgram(main, []);
    run.stop();
    expect(await run.waitForExit()).toBe(0);
    expect(run.stdout.text).toBe("SIGTERM\n");
  });

  it("report a rejected main() on stderr with exit code 1", async () => {
    const run = startProgram(
      rawMain(async () => Promise.reject(new Error("boom"))),
      [],
    );
    expect(await run.waitForExit()).toBe(1);
    expect(run.stderr.text).toBe("main() rejected: Error: boom\n");
  });
});

describe("the live mirror", () => {
  it("mirrors every write of a program to <pid>.jsonl, with the test and the label", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kata-live-"));
    const before = process.env.KATA_LIVE_DIR;
    process.env.KATA_LIVE_DIR = dir;
    try {
      const run = startProgram(
        rawMain(async (_args, io) => {
          io?.stdout?.write("hi\n");
          io?.stderr?.write("oops\n");
          return 0;
        }),
        [],
        { label: "your server" },
      );
      expect(await run.waitForExit()).toBe(0);
      mirror("raw", Buffer.from("안"));
      mirror("text", "t");
      const records = readFileSync(path.join(dir, `${process.pid}.jsonl`), "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line): unknown => JSON.parse(line));
      const { currentTestName, testPath } = expect.getState();
      expect(records).toEqual([
        { test: currentTestName, file: testPath, label: "your server stdout", data: "hi\n" },
        { test: currentTestName, file: testPath, label: "your server stderr", data: "oops\n" },
        { test: currentTestName, file: testPath, label: "raw", data: "안" },
        { test: currentTestName, file: testPath, label: "text", data: "t" },
      ]);
    } finally {
      if (before === undefined) delete process.env.KATA_LIVE_DIR;
      else process.env.KATA_LIVE_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes nothing when KATA_LIVE_DIR is empty", () => {
    const before = process.env.KATA_LIVE_DIR;
    process.env.KATA_LIVE_DIR = "";
    const stray = path.join(process.cwd(), `${process.pid}.jsonl`);
    try {
      mirror("x", "y");
      expect(existsSync(stray)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.KATA_LIVE_DIR;
      else process.env.KATA_LIVE_DIR = before;
      rmSync(stray, { force: true });
    }
  });
});

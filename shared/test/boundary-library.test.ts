// A module whose exports a test calls one by one, behind the boundary (load(), tracedCall(), unload()): each call
// crosses to a worker and back synchronously, with a deadline; Buffers and errors cross as the code on either side
// expects them; an export that loops forever fails its call and the next call gets a fresh worker.
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language (and the
// workers') for this file only.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { exportsOf } from "../src/testing/boundary/index.ts";
import {
  CALL_DEADLINE_MS,
  DeadlineExceeded,
  errorMatching,
  listenLocal,
  load,
  NotDoneYet,
  ProgramLoadError,
  tracedCall,
  unload,
} from "../src/testing/index.ts";
import { fixture, pinLang, rejection, SHARED_DIR, tempDirForFile, thrownBy, until } from "./helpers.ts";

pinLang("en");
const tmp = tempDirForFile("kata-library-");

type Lib = typeof import("./fixtures/lib.ts");
const lib = load<Lib>(fixture("lib.ts"));
afterAll(() => unload(lib));

describe("load(): calls across the boundary", () => {
  it("gives a function's result synchronously, as the function would", () => {
    expect(lib.add(2, 3)).toBe(5);
    expect(lib.add.name).toBe("add");
  });

  it("hands Buffers over both ways, nested ones too", () => {
    const { wasBuffer, reversed } = lib.reverse(Buffer.from([1, 2, 3]));
    expect(wasBuffer).toBe(true);
    expect(Buffer.isBuffer(reversed)).toBe(true);
    expect([...reversed]).toEqual([3, 2, 1]);
    const { list, map, set, deep } = lib.nested();
    for (const b of [list[0], map.get("k"), [...set][0], deep.b]) expect(Buffer.isBuffer(b)).toBe(true);
    expect([
      list[0]?.toString(),
      map.get("k")?.toString(),
      [...set][0]?.toString(),
      deep.b.toString(),
    ]).toEqual(["a", "v", "s", "d"]);
  });

  it("throws a module's error with its name, message, code and properties; instanceof works by class name", () => {
    const err = thrownBy(() => lib.parse("12x4")) as Error & { code?: string; offset?: number };
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(lib.ParseError);
    expect(err).not.toBeInstanceOf(lib.TruncatedError);
    expect(err).not.toBeInstanceOf(lib.OtherError);
    expect([err.name, err.message, err.code, err.offset]).toEqual([
      "ParseError",
      "not a digit at byte 2",
      "E_PARSE",
      2,
    ]);
    // The stack is the module's, where it threw (source-mapped to its file).
    expect(err.stack).toMatch(/^ParseError: not a digit at byte 2\n {4}at parse \(.*lib\.ts:\d+:\d+\)/);
    // A subclass is an instance of its base class too.
    const cut = thrownBy(() => lib.parse("cut"));
    expect(cut).toBeInstanceOf(lib.TruncatedError);
    expect(cut).toBeInstanceOf(lib.ParseError);
    expect(new Error("local")).not.toBeInstanceOf(lib.ParseError);
    expect(lib.parse("42")).toBe(42);
  });

  it("fails with NotDoneYet and the TODO's text when an export reaches a starter's todo()", () => {
    const err = thrownBy(() => lib.unfinished());
    expect(err).toBeInstanceOf(NotDoneYet);
    expect((err as Error).message).toBe("Not done yet: TODO: stage 2: parse the header");
  });

  it("turns anything else thrown, or a result that cannot cross, into an Error", () => {
    expect((thrownBy(() => lib.throwText()) as Error).message).toBe("plain text");
    expect((thrownBy(() => lib.makeFunction()) as Error).name).toBe("DataCloneError");
  });

  it("gives a Promise for an export that returns one, settled as it settles", async () => {
    const pending = lib.later(21);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(42);
    const failed = await rejection(lib.laterFail());
    expect(failed).toBeInstanceOf(lib.ParseError);
    expect([failed.message, (failed as Error & { offset?: number }).offset]).toEqual(["late", 7]);
  });

  it("lists the module's exports without calling them", () => {
    expect(Object.keys(lib)).toEqual(expect.arrayContaining(["add", "ParseError", "VERSION"]));
    expect("add" in lib).toBe(true);
    expect("nothing" in lib).toBe(false);
    expect(Object.getOwnPropertyDescriptor(lib, "nothing")).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(lib, "add")?.value).toBe(lib.add);
  });

  it("is no thenable: awaiting the module gives the module", async () => {
    expect(await Promise.resolve(lib)).toBe(lib);
  });

  it("keeps the module's state between calls; unload() stops its worker and the next call starts afresh", () => {
    const fresh = load<Lib>(fixture("lib.ts"));
    expect([fresh.count(), fresh.count()]).toEqual([1, 2]);
    unload(fresh);
    expect(fresh.count()).toBe(1);
    unload(fresh);
  });
});

describe("load(): calls that do not come back", () => {
  it("an endless loop fails its call at the deadline; the next call works, on a fresh worker", () => {
    const slow = load<Lib>(fixture("lib.ts"), { deadlineMs: 700 });
    expect(slow.count()).toBe(1);
    const err = thrownBy(() => slow.spin());
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect((err as Error).message).toBe(
      "spin() did not return within 700 ms: a loop that never ends? (The worker running it was stopped.)",
    );
    expect(slow.count()).toBe(1);
    unload(slow);
  });

  it("a Promise that never settles fails at the deadline", async () => {
    // The first call also waits for the worker to start: long enough for that on a busy machine.
    const slow = load<Lib>(fixture("lib.ts"), { deadlineMs: 700 });
    expect(slow.count()).toBe(1);
    const err = await rejection(slow.never());
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect(err.message).toBe(
      "never() did not return within 700 ms: a loop that never ends? (The worker running it was stopped.)",
    );
    expect(slow.count()).toBe(1);
    unload(slow);
  });

  it("waits 3 s per call by default", () => {
    expect(CALL_DEADLINE_MS).toBe(3_000);
  });
});

describe("load(): a module that cannot load", () => {
  it("one that throws as it loads: every call throws its error", () => {
    const broken = load<typeof import("./fixtures/throws-at-load.ts")>(fixture("throws-at-load.ts"));
    for (let i = 0; i < 2; i++) {
      const err = thrownBy(() => broken.add(1, 2)) as Error;
      expect([err.name, err.message]).toEqual(["RangeError", "broken at load: the table has no entries"]);
    }
    expect(() => Object.keys(broken)).toThrow(
      errorMatching(`${fixture("throws-at-load.ts").file}: its exports could not be listed.`),
    );
    // unload() finds the worker through an export it is given; this module's exports cannot be listed.
    unload({ add: broken.add });
  });

  it("one that does not compile: loading it starts nothing, each call throws file:line:column: message", () => {
    const file = path.join(tmp(), "broken-lib.ts");
    writeFileSync(file, "export function f() {\n  return [1, 2;\n}\n");
    const broken = load<{ f: () => number }>({ file, resolveFrom: tmp() });
    for (let i = 0; i < 2; i++) {
      const err = thrownBy(() => broken.f());
      expect(err).toBeInstanceOf(ProgramLoadError);
      expect((err as ProgramLoadError).code).toBe("KATA_LOAD");
      expect((err as Error).message).toBe(`${file}:2:15: Expected "]" but found ";"`);
    }
  });
});

describe("tracedCall()", () => {
  it("runs an export as a program of its own: its result, its layer calls and what it left open", async () => {
    const traced = await tracedCall(lib.leaveListening);
    expect(traced?.result).toBeGreaterThan(0);
    expect(traced?.trace.map((e) => e.call)).toEqual(["socket", "bind", "listen", "getsockname"]);
    expect(traced?.trace[2]).toEqual({
      call: "listen",
      fd: 3,
      result: 0,
      detail: { host: "127.0.0.1", port: traced?.result, backlog: 5 },
    });
    expect(traced?.leftOpen).toEqual(["TCPServerWrap"]);
    unload(lib);
  });

  it("each call starts with its own descriptors, and one that closes what it opened leaves nothing", async () => {
    const first = await tracedCall(lib.openAndClose);
    const second = await tracedCall(lib.openAndClose);
    for (const traced of [first, second]) {
      expect(traced).toEqual({
        result: "closed",
        trace: [
          { call: "socket", fd: 3, result: 3 },
          { call: "close", fd: 3, result: 0 },
        ],
        leftOpen: [],
      });
    }
  });

  it("throws the export's error, with its class", async () => {
    const err = await rejection(tracedCall(lib.failAfterSocket) ?? Promise.resolve());
    expect(err).toBeInstanceOf(lib.ParseError);
    expect(err.message).toBe("the experiment failed");
  });

  it("runs each call in a worker of its own: calls of concurrent tests never share descriptors", async () => {
    const peer = await listenLocal();
    const reading = tracedCall(lib.readOnce, peer.port);
    await until("the experiment to connect", () => peer.connections.length === 1);
    // The first call still waits in read(); a second one starts beside it, with its own descriptor 3.
    const beside = await tracedCall(lib.openAndClose);
    expect(beside?.trace).toEqual([
      { call: "socket", fd: 3, result: 3 },
      { call: "close", fd: 3, result: 0 },
    ]);
    peer.connections[0]?.end("pong");
    const read = await reading;
    expect(read?.result).toBe("pong");
    expect(read?.trace.map((e) => [e.call, e.fd])).toEqual([
      ["socket", 3],
      ["connect", 3],
      ["read", 3],
      ["close", 3],
    ]);
    // Its own worker: the module's state of the loaded module is not touched.
    const before = lib.count();
    await tracedCall(lib.count);
    expect(lib.count()).toBe(before + 1);
  });

  it("gives undefined for a function that was not loaded", () => {
    expect(tracedCall(async () => 1)).toBeUndefined();
  });
});

describe("exportsOf()", () => {
  it("names a module's exports, sorted, from its source, without running it", () => {
    const names = exportsOf(fixture("throws-at-load.ts").file, SHARED_DIR);
    expect(names).toEqual(["add", "table"]);
    expect(exportsOf(fixture("lib.ts").file, SHARED_DIR)).toEqual(
      [...Object.keys(lib)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it("throws ProgramLoadError for a file that does not compile", () => {
    const file = path.join(tmp(), "broken-exports.ts");
    writeFileSync(file, "export function (\n");
    const err = thrownBy(() => exportsOf(file, tmp()));
    expect(err).toBeInstanceOf(ProgramLoadError);
    expect((err as Error).message).toBe(`${file}:1:17: Expected identifier but found "("`);
  });
});

describe("a process that loaded a module", () => {
  it("ends by itself: the module's worker, called and never unloaded, does not keep it alive", async () => {
    // load() from its own module: the testing index needs vitest, which a plain process cannot import.
    const library = path.join(SHARED_DIR, "src/testing/boundary/library.ts");
    const script = path.join(tmp(), "uses-lib.ts");
    writeFileSync(
      script,
      `import { load } from ${JSON.stringify(library)};\n` +
        `const lib = load(${JSON.stringify(fixture("lib.ts"))});\n` +
        "console.log(lib.add(2, 3));\n",
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: SHARED_DIR, stdio: "pipe" });
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
    clearTimeout(killer);
    expect(out).toBe("5\n");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});

// The socket core under the posix and winsock layers (src/internal): the one program context per thread, what the
// layers tell a program's io (its port, its connections, where it waits), how Node's errors become errno values,
// the busy-loop guard and the event-loop yield, and what the descriptors answer in each state. Written from a
// mutation run's survivors (see MUTATION.md).
import { once } from "node:events";
import net from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { KataError, program } from "../src/cli/index.ts";
import { useLang } from "../src/i18n/index.ts";
import {
  currentContext,
  newContext,
  OneProgramPerThread,
  processIO,
  type ProgramContext,
  runInContext,
  type Waiting,
} from "../src/internal/context.ts";
import { fromNodeError, isErrnoName } from "../src/internal/errno.ts";
import { BusyLoopError, newPace, settle, waited } from "../src/internal/pace.ts";
import * as core from "../src/internal/sockets.ts";
import { closeAllAtExit, untilEnded } from "../src/internal/sockets.ts";
import * as posix from "../src/posix/index.ts";
import {
  connectLocal,
  freePort,
  listenLocal,
  registerCleanup,
  type TestClient,
  traced,
  withDeadline,
} from "../src/testing/index.ts";
import * as winsock from "../src/winsock/index.ts";
import { rejection, turn, until } from "./helpers.ts";

// The lessons these tests match are the English ones, whatever the locale or KATA_LANG of the run: the language
// is pinned for this file only (a vitest worker runs several files).
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

function addr(port: number, host = "127.0.0.1"): posix.sockaddr_in {
  const a = posix.sockaddr_in();
  a.sin_family = posix.AF_INET;
  a.sin_addr.s_addr = posix.inet_addr(host);
  a.sin_port = posix.htons(port);
  return a;
}

function portOf(fd: number): number {
  const me = posix.sockaddr_in();
  expect(posix.getsockname(fd, me)).toBe(0);
  return posix.ntohs(me.sin_port);
}

/** A posix listener on 127.0.0.1, a test client connected to it, and the accepted descriptor. */
async function pair(): Promise<{ listener: number; fd: number; client: TestClient }> {
  const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
  expect(await posix.bind(listener, addr(0))).toBe(0);
  expect(await posix.listen(listener, 5)).toBe(0);
  const client = await connectLocal(portOf(listener));
  const fd = await posix.accept(listener);
  expect(fd).toBeGreaterThan(0);
  return { listener, fd, client };
}

/** The node:net socket behind a connected descriptor (white box: to wait for its 'close'). */
function socketOf(fd: number): net.Socket {
  return (currentContext().fds.get(fd) as { socket: net.Socket }).socket;
}

/** Resolves when the socket has closed (events.once would reject on the 'error' before it). */
function closedSocket(socket: net.Socket, what: string): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return withDeadline(new Promise((resolve) => socket.once("close", () => resolve())), what);
}

/** Reads until end of stream, returning everything read. */
async function readAll(fd: number): Promise<string> {
  const buf = Buffer.alloc(64);
  let text = "";
  let n: number;
  while ((n = await posix.read(fd, buf, 64)) > 0) text += buf.toString("latin1", 0, n);
  expect(n).toBe(0);
  return text;
}

describe("program contexts", () => {
  /** A program as a script runs it: no tracing, the process's own stdout and stderr. */
  const scriptContext = (name = "script.ts"): ProgramContext => newContext(name, processIO());

  /**
   * Starts `ctx` as the thread's program and keeps it running until `finish()`; the test looks around meanwhile.
   * Registered for cleanup, so a failing test never leaves it running in the worker (isolate: false).
   */
  function runUntilFinished(ctx: ProgramContext): { finish: () => Promise<ProgramContext> } {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const running = runInContext(ctx, async () => {
      await gate;
      return currentContext();
    });
    registerCleanup(async () => {
      open();
      await running.catch(() => undefined);
    });
    return {
      finish: async () => {
        open();
        return running;
      },
    };
  }

  it("processIO() is the process's own stdin, stdout and stderr; code outside a program shares 'node'", () => {
    expect(processIO()).toEqual({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    expect(currentContext().name).toBe("node");
    expect(currentContext()).toBe(currentContext());
    expect(currentContext().tracing).toBe(false);
  });

  it("a new context is empty: no errno, no descriptor, no Winsock startup, nothing pending", () => {
    const ctx = newContext("p.ts", processIO());
    expect(ctx).toMatchObject({ name: "p.ts", errno: undefined, wsaStartups: 0, wsaLastError: 0, trace: [] });
    expect([ctx.fds.size, ctx.pending.size]).toEqual([0, 0]);
    expect(newContext("p.ts", processIO(), true).tracing).toBe(true);
  });

  it("traces only when someone observes the program, and starts with an empty trace", async () => {
    const quiet = scriptContext();
    expect(quiet.tracing).toBe(false);
    // WSAStartup records its call unconditionally; record() keeps it only for a traced program.
    await runInContext(quiet, async () => winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA()));
    expect(quiet.trace).toEqual([]);
    const seen: string[] = [];
    const watched = newContext("watched.ts", { ...processIO(), observe: (e) => seen.push(e.call) });
    expect(watched.tracing).toBe(true);
    expect(watched.trace).toEqual([]);
    await runInContext(watched, async () => winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA()));
    expect(watched.trace.map((e) => e.call)).toEqual(["WSAStartup"]);
    expect(seen).toEqual(["WSAStartup"]);
  });

  it("a run is the context of all code of the thread while it runs (no AsyncLocalStorage), and not after", async () => {
    const outside = currentContext();
    const script = scriptContext();
    const run = runUntilFinished(script);
    expect(currentContext()).toBe(script);
    await turn();
    expect(currentContext()).toBe(script);
    expect(await run.finish()).toBe(script);
    expect(currentContext()).toBe(outside);
  });

  it("a run gives back its function's value, and lets go of the context when the function throws", async () => {
    const outside = currentContext();
    expect(await runInContext(scriptContext(), async () => 42)).toBe(42);
    expect(currentContext()).toBe(outside);
    const error = await rejection(
      runInContext(scriptContext(), async () => {
        throw new Error("boom");
      }),
    );
    expect(error.message).toBe("boom");
    expect(currentContext()).toBe(outside);
    // The thread is free again: the next program starts.
    expect(await runInContext(scriptContext(), async () => currentContext().name)).toBe("script.ts");
  });

  it("a second program cannot start in the thread while one runs: OneProgramPerThread, and the first keeps its context", async () => {
    const first = scriptContext("first.ts");
    const run = runUntilFinished(first);
    let started = false;
    const error = await rejection(
      runInContext(scriptContext("second.ts"), async () => {
        started = true;
      }),
    );
    expect(started).toBe(false);
    expect(error).toBeInstanceOf(OneProgramPerThread);
    expect(error).toBeInstanceOf(KataError);
    expect((error as OneProgramPerThread).code).toBe("KATA_ONE_PROGRAM");
    expect(error.message).toBe(
      "second.ts cannot start while first.ts runs in this thread: each program has its own descriptors and errno, so run each behind its own boundary (@tcp-katas/shared/testing's run()).",
    );
    expect(currentContext()).toBe(first);
    // Nor traced() or a program's main().
    expect(await rejection(traced(async () => 1))).toBeInstanceOf(OneProgramPerThread);
    const main = program({ name: "main.ts" }, async () => 0);
    expect((await rejection(main([]))).message).toMatch(/^main\.ts cannot start while first\.ts runs/);
    expect(currentContext()).toBe(first);
    expect(await run.finish()).toBe(first);
    expect((await traced(async () => currentContext().name, "after.ts")).result).toBe("after.ts");
  });

  it("traced() runs a function as a program named 'experiment' unless named, and gives its calls", async () => {
    const { result, trace } = await traced(async () => {
      posix.close(posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0));
      return currentContext().name;
    });
    expect(result).toBe("experiment");
    expect(trace).toEqual([
      { call: "socket", fd: 3, result: 3 },
      { call: "close", fd: 3, result: 0 },
    ]);
  });
});

describe("what the layers tell a program's io", () => {
  interface Heard {
    listening: number[];
    connections: number;
    waits: Waiting[];
  }

  /** Runs `fn` as a program whose io hears the layers (as the boundary's host does); what it heard. */
  async function hearing(fn: (heard: Heard) => Promise<void>): Promise<Heard> {
    const heard: Heard = { listening: [], connections: 0, waits: [] };
    const ctx = newContext("hearing.ts", {
      ...processIO(),
      observe: () => undefined,
      onListening: (port) => heard.listening.push(port),
      onConnection: () => (heard.connections += 1),
      onWait: (waiting) => heard.waits.push(waiting),
    });
    registerCleanup(() => runInContext(ctx, async () => closeAllAtExit()).catch(() => undefined));
    await runInContext(ctx, () => fn(heard));
    return heard;
  }

  it("posix: listen() tells its port once; each connection is told as it comes, before accept()", async () => {
    let port = 0;
    const heard = await hearing(async (so) => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.listen(fd, 5)).toBe(0);
      expect(await posix.listen(fd, 5)).toBe(0);
      port = portOf(fd);
      await connectLocal(port);
      await connectLocal(port);
      await until("two connections", () => so.connections === 2);
      expect(so.waits).toEqual([]);
      posix.close(fd);
    });
    expect(heard.listening).toEqual([port]);
  });

  it("posix: accept, connect, read and write tell when they wait, and on which descriptor; not when they need not", async () => {
    const heard = await hearing(async (so) => {
      const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.listen(listener, 5)).toBe(0);
      const accepting = posix.accept(listener);
      expect(so.waits).toEqual([{ call: "accept", fd: 3 }]);
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const connecting = posix.connect(fd, addr(portOf(listener)));
      expect(so.waits.at(-1)).toEqual({ call: "connect", fd: 4 });
      expect(await connecting).toBe(0);
      const conn = await accepting;
      expect(conn).toBe(5);
      // A connection already queued: accept() does not wait.
      const other = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.connect(other, addr(portOf(listener)))).toBe(0);
      await until("the connection to be queued", () => so.connections === 2);
      const waitsBefore = so.waits.length;
      expect(await posix.accept(listener)).toBe(7);
      expect(so.waits.length).toBe(waitsBefore);
      const buf = Buffer.alloc(8);
      const reading = posix.read(conn, buf, 8);
      expect(so.waits.at(-1)).toEqual({ call: "read", fd: conn });
      expect(await posix.write(fd, Buffer.from("x"), 1)).toBe(1);
      expect(await reading).toBe(1);
      // Bytes already there: read() does not wait.
      expect(await posix.write(fd, Buffer.from("y"), 1)).toBe(1);
      await until(
        "the byte to arrive",
        () => (currentContext().fds.get(conn) as { reader: { buffered: number } }).reader.buffered > 0,
      );
      const count = so.waits.length;
      expect(await posix.read(conn, buf, 8)).toBe(1);
      expect(so.waits.length).toBe(count);
      // A write that waits for a peer that does not read.
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const writing = posix.write(conn, big, big.length);
      expect(so.waits.at(-1)).toEqual({ call: "write", fd: conn });
      let got = 0;
      const sink = Buffer.alloc(1024 * 1024);
      while (got < big.length) got += await posix.read(fd, sink, sink.length);
      expect(await writing).toBe(big.length);
      for (const d of [listener, fd, conn, other, 7]) posix.close(d);
    });
    expect(heard.connections).toBe(2);
  });

  it("winsock: accept, connect, recv and send tell when they wait, with the SOCKET", async () => {
    await hearing(async (so) => {
      expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const listener = winsock.socket(winsock.PF_INET, winsock.SOCK_STREAM, 0);
      expect(await winsock.listen(listener, 5)).toBe(0);
      const me = winsock.sockaddr_in();
      winsock.getsockname(listener, me);
      const accepting = winsock.accept(listener);
      expect(so.waits).toEqual([{ call: "accept", fd: listener }]);
      const s = winsock.socket(winsock.PF_INET, winsock.SOCK_STREAM, 0);
      const connecting = winsock.connect(s, addr(winsock.ntohs(me.sin_port)));
      expect(so.waits.at(-1)).toEqual({ call: "connect", fd: s });
      expect(await connecting).toBe(0);
      const conn = await accepting;
      const buf = Buffer.alloc(8);
      const receiving = winsock.recv(conn, buf, 8, 0);
      expect(so.waits.at(-1)).toEqual({ call: "recv", fd: conn });
      expect(await winsock.send(s, Buffer.from("x"), 1, 0)).toBe(1);
      expect(await receiving).toBe(1);
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const sending = winsock.send(conn, big, big.length, 0);
      expect(so.waits.at(-1)).toEqual({ call: "send", fd: conn });
      let got = 0;
      const sink = Buffer.alloc(1024 * 1024);
      while (got < big.length) got += await winsock.recv(s, sink, sink.length, 0);
      expect(await sending).toBe(big.length);
      for (const h of [listener, s, conn]) winsock.closesocket(h);
      winsock.WSACleanup();
    });
  });

  it("a node:net server from the bundle's net module tells its port and each connection", async () => {
    const reporting = await import("../src/testing/boundary/net.ts");
    let port = 0;
    const heard = await hearing(async (so) => {
      const servers = [new reporting.Server(), reporting.createServer(), reporting.default.createServer()];
      for (const server of servers) {
        registerCleanup(() => server.close());
        server.listen(0, "127.0.0.1");
        await once(server, "listening");
      }
      port = (servers[1]?.address() as net.AddressInfo).port;
      await connectLocal(port);
      await until("the connection", () => so.connections === 1);
    });
    expect(heard.listening).toHaveLength(3);
    expect(heard.listening[1]).toBe(port);
    expect(heard.connections).toBe(1);
  });
});

describe("errno from Node's errors", () => {
  it("keeps errno codes, makes Node's stream errors EPIPE and a bad port EINVAL, anything else EIO", () => {
    const name = (err: unknown) => fromNodeError(err).name;
    expect(fromNodeError(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toEqual({
      name: "ECONNRESET",
      errno: 104,
      message: "Connection reset by peer",
    });
    expect(name({ code: "ERR_SOCKET_CLOSED" })).toBe("EPIPE");
    expect(name({ code: "ERR_STREAM_DESTROYED" })).toBe("EPIPE");
    expect(name({ code: "ERR_STREAM_WRITE_AFTER_END" })).toBe("EPIPE");
    expect(name({ code: "ERR_SOCKET_BAD_PORT" })).toBe("EINVAL");
    expect(fromNodeError({ code: "ERR_SOMETHING_ELSE" })).toEqual({
      name: "EIO",
      errno: 5,
      message: "Input/output error",
    });
    for (const odd of [new Error("no code"), { code: 104 }, null, undefined, "text"]) {
      expect(name(odd), typeof odd).toBe("EIO");
    }
    expect(isErrnoName("EPIPE")).toBe(true);
    expect(isErrnoName("ERR_SOCKET_CLOSED")).toBe(false);
    expect(isErrnoName(undefined)).toBe(false);
  });
});

describe("the busy-loop guard", () => {
  it("BusyLoopError is named so", () => {
    const err = new BusyLoopError("m");
    expect(err.name).toBe("BusyLoopError");
  });

  /** Repeats `call` until the layer stops it; returns the BusyLoopError's message. */
  async function stoppedLoop(call: () => Promise<number>): Promise<string> {
    for (let i = 0; i < 10; i++) {
      try {
        await call();
      } catch (err) {
        expect(err).toBeInstanceOf(BusyLoopError);
        return (err as Error).message;
      }
    }
    throw new Error("the loop was never stopped");
  }

  it("tells a failing read from a failing write: each gets its own lesson", async () => {
    await traced(async () => {
      currentContext().pace.limit = 3;
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      posix.close(fd);
      const buf = Buffer.alloc(8);
      expect(await stoppedLoop(() => posix.read(fd, buf, 8))).toBe(
        "read() returned -1 (EBADF) on socket 3 3 times in a row: the call cannot succeed on this socket, however often it is repeated. End the loop when read() returns 0 or -1 (loop while it is > 0).",
      );
      expect(await stoppedLoop(() => posix.write(fd, buf, 8))).toBe(
        "write() returned -1 (EBADF) on socket 3 3 times in a row: the call cannot succeed on this socket, however often it is repeated. Stop calling write() once it returns -1.",
      );
    });
  });

  it("after the peer's reset: posix reports it once, then the end; winsock reports it to every recv()", async () => {
    await traced(async () => {
      currentContext().pace.limit = 3;
      const { listener, fd, client } = await pair();
      const buf = Buffer.alloc(8);
      client.reset();
      expect(await posix.read(fd, buf, 8)).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      expect(await stoppedLoop(() => posix.read(fd, buf, 8))).toBe(
        `read() returned 0 on socket ${fd} 3 times in a row: the peer closed the connection and no more bytes will come. End the loop when read() returns 0 or -1 (loop while it is > 0).`,
      );
      posix.close(fd);
      posix.close(listener);
    });
    await traced(async () => {
      currentContext().pace.limit = 3;
      expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const { listener, fd, client } = await pair();
      const s = 0x100 + fd * 4;
      const buf = Buffer.alloc(8);
      client.reset();
      expect(await stoppedLoop(() => winsock.recv(s, buf, 8, 0))).toBe(
        `recv() returned SOCKET_ERROR (WSAECONNRESET) on socket ${s} 3 times in a row: the peer reset the connection and every later recv() fails the same way. End the loop when recv() returns 0 or SOCKET_ERROR (loop while it is > 0).`,
      );
      winsock.closesocket(s);
      posix.close(listener);
      winsock.WSACleanup();
    });
  });

  it("counts a call's failures afresh when its error changes", async () => {
    await traced(async () => {
      currentContext().pace.limit = 3;
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const small = Buffer.alloc(4);
      for (let i = 0; i < 3; i++) {
        expect(await posix.read(fd, small, 8)).toBe(-1);
        expect(posix.lastError().name).toBe("EFAULT");
        expect(await posix.read(fd, small, -1)).toBe(-1);
        expect(posix.lastError().name).toBe("EINVAL");
      }
      await expect(
        (async () => {
          for (;;) await posix.read(fd, small, -1);
        })(),
      ).rejects.toThrow(BusyLoopError);
      posix.close(fd);
    });
  });
});

describe("the event-loop yield of calls that return at once", () => {
  let clock = 0;
  afterEach(() => {
    clock = 0;
  });
  const useClock = () => vi.spyOn(performance, "now").mockImplementation(() => clock);

  /** settle() `times` times; the results that were promises, by call number (1-based). */
  function settleRun(pace: ReturnType<typeof newPace>, times: number): number[] {
    const yielded: number[] = [];
    for (let i = 1; i <= times; i++) if (settle(pace, i) instanceof Promise) yielded.push(i);
    return yielded;
  }

  it("yields only on every 64th call in a row, and only once 2 ms have passed since the first", async () => {
    useClock();
    const pace = newPace();
    clock = 1000;
    expect(settle(pace, "first")).toBe("first");
    clock = 1002;
    // Calls 2..63 never look at the clock; the 64th sees exactly 2 ms and yields a turn.
    expect(settleRun(pace, 62)).toEqual([]);
    const turn = settle(pace, "64th");
    expect(turn).toBeInstanceOf(Promise);
    expect(await turn).toBe("64th");
  });

  it("does not yield before 2 ms, and a call that really waited starts the count afresh", () => {
    useClock();
    const pace = newPace();
    clock = 1000;
    expect(settleRun(pace, 1)).toEqual([]);
    clock = 1001;
    expect(settleRun(pace, 63)).toEqual([]);
    const fresh = newPace();
    clock = 2000;
    expect(settleRun(fresh, 63)).toEqual([]);
    waited(fresh);
    clock = 2010;
    expect(settleRun(fresh, 64)).toEqual([]);
  });
});

describe("descriptors in each state", () => {
  it("bind, listen and connect refuse a descriptor in the wrong state (EINVAL); listen twice is fine", async () => {
    const target = await listenLocal();
    await traced(async () => {
      const { listener, fd } = await pair();
      expect(await posix.bind(listener, addr(0))).toBe(-1);
      expect(posix.lastError().name).toBe("EINVAL");
      expect(await posix.bind(fd, addr(0))).toBe(-1);
      expect(posix.lastError().name).toBe("EINVAL");
      expect(await posix.listen(fd, 5)).toBe(-1);
      expect(posix.lastError().name).toBe("EINVAL");
      expect(await posix.connect(listener, addr(target.port))).toBe(-1);
      expect(posix.lastError().name).toBe("EINVAL");
      const port = portOf(listener);
      expect(await posix.listen(listener, 10)).toBe(0);
      expect(portOf(listener)).toBe(port);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("the core refuses a connect or accept already under way (EALREADY); getsockname meanwhile says 0.0.0.0:0", async () => {
    // The layers name a second call as a missing await before it reaches the core (see pending.test.ts).
    const target = await listenLocal();
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const connecting = posix.connect(fd, addr(target.port));
      const again = await rejection(core.connectSocket(fd, { host: "127.0.0.1", port: target.port }));
      expect((again as core.CallFailed).error.name).toBe("EALREADY");
      const me = posix.sockaddr_in();
      expect(posix.getsockname(fd, me)).toBe(0);
      expect([posix.inet_ntoa(me.sin_addr), posix.ntohs(me.sin_port)]).toEqual(["0.0.0.0", 0]);
      expect(await connecting).toBe(0);
      posix.close(fd);

      const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const listening = posix.listen(listener, 5);
      const during = await rejection(core.connectSocket(listener, { host: "127.0.0.1", port: target.port }));
      expect((during as core.CallFailed).error.name).toBe("EALREADY");
      expect(await listening).toBe(0);
      const accepting = posix.accept(listener);
      const second = await rejection(core.acceptSocket(listener));
      expect((second as core.CallFailed).error.name).toBe("EALREADY");
      posix.close(listener);
      expect(await accepting).toBe(-1);
      expect(posix.lastError().name).toBe("EINTR");
    });
  });

  it("listen reports EADDRINUSE when the port given to bind was taken after it, and the socket stays bound", async () => {
    const port = await freePort();
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.bind(fd, addr(port))).toBe(0);
      const thief = net.createServer();
      registerCleanup(() => thief.close());
      thief.listen(port, "127.0.0.1");
      await once(thief, "listening");
      expect(await posix.listen(fd, 5)).toBe(-1);
      expect(posix.lastError().name).toBe("EADDRINUSE");
      expect(portOf(fd)).toBe(port);
      expect(await posix.bind(fd, addr(0))).toBe(-1);
      expect(posix.lastError().name).toBe("EINVAL");
      posix.close(fd);
    });
  });

  it("connect after bind goes out from the bound address", async () => {
    const target = await listenLocal();
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.bind(fd, addr(0))).toBe(0);
      const port = portOf(fd);
      expect(await posix.connect(fd, addr(target.port))).toBe(0);
      expect(portOf(fd)).toBe(port);
      const [accepted] = target.connections;
      expect(accepted?.remotePort).toBe(port);
      posix.close(fd);
    });
  });
});

describe("reads and writes on a connection", () => {
  it("an accepted socket stays writable after the peer's half-close", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      await client.send("ping");
      client.end();
      expect(await readAll(fd)).toBe("ping");
      expect(await posix.write(fd, Buffer.from("pong"), 4)).toBe(4);
      posix.close(fd);
      expect((await client.waitForEnd()).toString()).toBe("pong");
      posix.close(listener);
    });
  });

  it("a connected socket stays writable after the server's half-close", async () => {
    const target = await listenLocal((socket) => socket.end("hi"));
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.connect(fd, addr(target.port))).toBe(0);
      expect(await readAll(fd)).toBe("hi");
      expect(await posix.write(fd, Buffer.from("bye"), 3)).toBe(3);
      posix.close(fd);
      const [accepted] = target.connections;
      if (!accepted) throw new Error("no connection");
      const got: Buffer[] = [];
      accepted.on("data", (chunk: Buffer) => got.push(chunk));
      await withDeadline(once(accepted, "end"), "the client's bytes and FIN");
      expect(Buffer.concat(got).toString()).toBe("bye");
    });
  });

  it("read returns bytes that arrived, 2 of them too, and 0 bytes asked is 0 at once", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      const buf = Buffer.alloc(16);
      expect(await withDeadline(posix.read(fd, buf, 0), "a read of 0 bytes", 2000)).toBe(0);
      await client.send("hi");
      client.end();
      expect(await readAll(fd)).toBe("hi");
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("small writes reach the peer by the end of the turn, while the connection stays open", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      for (const piece of ["a", "b", "c"]) expect(await posix.write(fd, Buffer.from(piece), 1)).toBe(1);
      expect((await client.waitForBytes(3, "three 1-byte writes", 2000)).toString()).toBe("abc");
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("a write larger than the 64 KiB send buffer arrives byte for byte, nothing more", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      const data = Buffer.alloc(200 * 1024 + 5);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
      // The first write goes out at once; the second waits in the buffer when the large one comes.
      expect(await posix.write(fd, data, 3)).toBe(3);
      expect(await posix.write(fd, data.subarray(3), 7)).toBe(7);
      expect(await posix.write(fd, data.subarray(10), data.length - 10)).toBe(data.length - 10);
      posix.close(fd);
      const got = await client.waitForEnd();
      expect(got.length).toBe(data.length);
      expect(got.equals(data)).toBe(true);
      posix.close(listener);
    });
  });

  it("after the peer's FIN, a reset that follows: posix read still 0 (Linux), winsock recv fails", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      expect(await posix.write(fd, Buffer.from("a"), 1)).toBe(1);
      client.end();
      expect(await readAll(fd)).toBe("");
      const closed = once(client.socket, "close");
      client.reset();
      await closed;
      // Not the first write: it is buffered and returns; the OS fails it after.
      expect(await posix.write(fd, Buffer.from("b"), 1)).toBe(1);
      await closedSocket(socketOf(fd), "the failed write to close the socket");
      const buf = Buffer.alloc(8);
      expect(await posix.read(fd, buf, 8)).toBe(0);
      expect(await posix.write(fd, buf, 1)).toBe(-1);
      expect(posix.lastError().name).toBe("EPIPE");
      posix.close(fd);
      posix.close(listener);
    });
    await traced(async () => {
      expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const { listener, fd, client } = await pair();
      const s = 0x100 + fd * 4;
      expect(await winsock.send(s, Buffer.from("a"), 1, 0)).toBe(1);
      client.end();
      const buf = Buffer.alloc(8);
      expect(await winsock.recv(s, buf, 8, 0)).toBe(0);
      const closed = once(client.socket, "close");
      client.reset();
      await closed;
      expect(await winsock.send(s, Buffer.from("b"), 1, 0)).toBe(1);
      await closedSocket(socketOf(fd), "the failed send to close the socket");
      expect(await winsock.recv(s, buf, 8, 0)).toBe(winsock.SOCKET_ERROR);
      expect(winsock.WSAGetLastError()).toBe(winsock.WSAE.WSAECONNRESET);
      winsock.closesocket(s);
      posix.close(listener);
      winsock.WSACleanup();
    });
  });

  it("a write waiting on a peer that does not read completes when it reads, and leaves no listener behind", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      client.socket.pause();
      const socket = socketOf(fd);
      const before = [socket.listenerCount("drain"), socket.listenerCount("close")];
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const sending = posix.write(fd, big, big.length);
      client.socket.resume();
      expect(await sending).toBe(big.length);
      expect([socket.listenerCount("drain"), socket.listenerCount("close")]).toEqual(before);
      await client.waitForBytes(big.length);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("a write waiting on a peer that does not read fails when the peer resets", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      client.socket.pause();
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const sending = posix.write(fd, big, big.length);
      client.reset();
      expect(await withDeadline(sending, "the waiting write to fail", 3000)).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      posix.close(fd);
      posix.close(listener);
    });
  });
});

describe("untilEnded", () => {
  it("resolves on the peer's FIN (the socket still open), not before; at once once ended", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      const order: string[] = [];
      const ended = untilEnded(fd).then(() => order.push("ended"));
      await client.send("x");
      const buf = Buffer.alloc(8);
      expect(await posix.read(fd, buf, 8)).toBe(1);
      order.push("read");
      client.end();
      await withDeadline(ended, "untilEnded after the peer's FIN", 2000);
      expect(order).toEqual(["read", "ended"]);
      expect(await posix.read(fd, buf, 8)).toBe(0);
      await withDeadline(untilEnded(fd), "untilEnded on an ended descriptor", 2000);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("resolves when the descriptor is closed while the peer is still connected", async () => {
    await traced(async () => {
      const { listener, fd } = await pair();
      const ended = untilEnded(fd);
      posix.close(fd);
      await withDeadline(ended, "untilEnded after close()", 2000);
      posix.close(listener);
    });
  });
});

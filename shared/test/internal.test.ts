// The socket core under the posix and winsock layers (src/internal): which context a call runs in, how Node's
// errors become errno values, the busy-loop guard and the event-loop yield, the listen hook, and what the
// descriptors answer in each state. Written from a mutation run's survivors (see MUTATION.md).
import { once } from "node:events";
import net from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import {
  currentContext,
  newContext,
  processIO,
  type ProgramContext,
  runInContext,
} from "../src/internal/context.ts";
import { fromNodeError, isErrnoName } from "../src/internal/errno.ts";
import { BusyLoopError, isBusyLoopError, newPace, settle, waited } from "../src/internal/pace.ts";
import { untilEnded } from "../src/internal/sockets.ts";
import * as posix from "../src/posix/index.ts";
import {
  connectLocal,
  listenLocal,
  registerCleanup,
  type TestClient,
  traced,
  withDeadline,
} from "../src/testing/index.ts";
import * as winsock from "../src/winsock/index.ts";

// The lessons these tests match are the English ones, whatever the locale or KATA_LANG of the run.
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
  const scriptContext = (io: Partial<ReturnType<typeof processIO>> = {}): ProgramContext =>
    newContext("script.ts", { ...processIO(), ...io });

  /** Runs `ctx` until the returned `finish` is called; meanwhile the test looks at currentContext() beside it. */
  function runUntilFinished(ctx: ProgramContext): { finish: () => Promise<ProgramContext> } {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const running = runInContext(ctx, async () => {
      await gate;
      return currentContext();
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
  });

  it("traces only when someone observes the program, and starts with an empty trace", () => {
    const quiet = scriptContext();
    expect(quiet.tracing).toBe(false);
    expect(quiet.trace).toEqual([]);
    // WSAStartup records its call unconditionally; record() keeps it only for a traced program.
    runInContext(quiet, () => winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA()));
    expect(quiet.trace).toEqual([]);
    const seen: string[] = [];
    const watched = newContext("watched.ts", { ...processIO(), observe: (e) => seen.push(e.call) });
    expect(watched.tracing).toBe(true);
    expect(watched.trace).toEqual([]);
    runInContext(watched, () => winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA()));
    expect(watched.trace.map((e) => e.call)).toEqual(["WSAStartup"]);
    expect(seen).toEqual(["WSAStartup"]);
  });

  it("a script run is the context of all code while it runs (no AsyncLocalStorage), and not after it", async () => {
    const outside = currentContext();
    const script = scriptContext();
    const run = runUntilFinished(script);
    expect(currentContext()).toBe(script);
    expect(await run.finish()).toBe(script);
    expect(currentContext()).toBe(outside);
  });

  it("a traced run, one writing elsewhere, or one started inside another program keeps to its own calls", async () => {
    const outside = currentContext();
    const others = [
      newContext("traced.ts", processIO(), true),
      scriptContext({ stdout: new (await import("node:stream")).PassThrough() }),
      scriptContext({ stderr: new (await import("node:stream")).PassThrough() }),
    ];
    for (const ctx of others) {
      const run = runUntilFinished(ctx);
      expect(currentContext(), ctx.name).toBe(outside);
      expect(await run.finish()).toBe(ctx);
    }
    // A second script run while one runs, and a script-like run started inside traced(), use their own.
    const first = scriptContext();
    const firstRun = runUntilFinished(first);
    const second = scriptContext();
    const secondRun = runUntilFinished(second);
    expect(currentContext()).toBe(first);
    expect(await secondRun.finish()).toBe(second);
    expect(currentContext()).toBe(first);
    expect(await firstRun.finish()).toBe(first);
    expect(currentContext()).toBe(outside);
    const inner = scriptContext();
    let innerRun: { finish: () => Promise<ProgramContext> } | undefined;
    const tracedRun = traced(async () => {
      innerRun = runUntilFinished(inner);
      await Promise.resolve();
    });
    expect(currentContext()).toBe(outside);
    await tracedRun;
    expect(currentContext()).toBe(outside);
    expect(await innerRun?.finish()).toBe(inner);
  });

  it("a script run gives back a plain value as it is, and lets go of the context when it throws", () => {
    const outside = currentContext();
    expect(runInContext(scriptContext(), () => 42)).toBe(42);
    expect(currentContext()).toBe(outside);
    let caught: unknown;
    try {
      runInContext(scriptContext(), () => {
        throw new Error("boom");
      });
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).toBe("boom");
    expect(currentContext()).toBe(outside);
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
  it("BusyLoopError is named so, and isBusyLoopError answers for anything thrown, null included", () => {
    const err = new BusyLoopError("m");
    expect(err.name).toBe("BusyLoopError");
    expect(isBusyLoopError(err)).toBe(true);
    expect(isBusyLoopError(null)).toBe(false);
    expect(isBusyLoopError(undefined)).toBe(false);
    expect(isBusyLoopError(new Error("m"))).toBe(false);
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

describe("the listen hook", () => {
  it("wraps Server#emit once, even when its module is evaluated again: each listen is reported once", async () => {
    await import(new URL("../src/internal/listen-hook.ts?second-copy", import.meta.url).href);
    const ports: number[] = [];
    const ctx = newContext("hooked.ts", { ...processIO(), onListening: (port) => ports.push(port) }, true);
    const server = net.createServer();
    registerCleanup(() => server.close());
    await runInContext(ctx, async () => {
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
    });
    expect(ports).toEqual([(server.address() as net.AddressInfo).port]);
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

  it("a call on a descriptor still connecting or listening is EALREADY; getsockname meanwhile says 0.0.0.0:0", async () => {
    const target = await listenLocal();
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const connecting = posix.connect(fd, addr(target.port));
      expect(await posix.connect(fd, addr(target.port))).toBe(-1);
      expect(posix.lastError().name).toBe("EALREADY");
      const me = posix.sockaddr_in();
      expect(posix.getsockname(fd, me)).toBe(0);
      expect([posix.inet_ntoa(me.sin_addr), posix.ntohs(me.sin_port)]).toEqual(["0.0.0.0", 0]);
      expect(await connecting).toBe(0);
      posix.close(fd);

      const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const listening = posix.listen(listener, 5);
      expect(await posix.connect(listener, addr(target.port))).toBe(-1);
      expect(posix.lastError().name).toBe("EALREADY");
      expect(await listening).toBe(0);
      const accepting = posix.accept(listener);
      expect(await posix.accept(listener)).toBe(-1);
      expect(posix.lastError().name).toBe("EALREADY");
      posix.close(listener);
      expect(await accepting).toBe(-1);
      expect(posix.lastError().name).toBe("EINTR");
    });
  });

  it("listen reports EADDRINUSE when the address was taken after bind, and the socket stays bound", async () => {
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      expect(await posix.bind(fd, addr(0))).toBe(0);
      const port = portOf(fd);
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

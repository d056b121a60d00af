// What the posix and winsock layers promise beyond single calls: backpressure, coalesced small writes that stay
// byte-exact, an event loop that keeps running under calls that return at once, busy loops stopped with the
// lesson, and what read/recv/write/send answer after a reset (Linux's way and Windows' way). The servers are
// fixture programs behind the boundary; the rest runs as traced experiments in this thread, one at a time.
import { once } from "node:events";

import { describe, expect, it } from "vitest";

import { currentContext } from "../src/internal/context.ts";
import { untilEnded } from "../src/internal/sockets.ts";
import * as posix from "../src/posix/index.ts";
import {
  connectLocal,
  DeadlineExceeded,
  startServer,
  type TestClient,
  traced,
  withDeadline,
} from "../src/testing/index.ts";
import * as winsock from "../src/winsock/index.ts";
import { fixture, pinLang, until } from "./helpers.ts";

// The lessons these tests match are the English ones, whatever the locale or KATA_LANG of the run: pinLang("en")
// pins the test thread's language and the servers' (they run behind the boundary) for this file only.
pinLang("en");

function posixAddr(port: number): posix.sockaddr_in {
  const a = posix.sockaddr_in();
  a.sin_family = posix.AF_INET;
  a.sin_addr.s_addr = posix.inet_addr("127.0.0.1");
  a.sin_port = posix.htons(port);
  return a;
}

/** A posix listener on 127.0.0.1, a test client connected to it, and the accepted descriptor. */
async function posixPair(): Promise<{ listener: number; fd: number; client: TestClient }> {
  const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
  expect(await posix.bind(listener, posixAddr(0))).toBe(0);
  expect(await posix.listen(listener, 5)).toBe(0);
  const me = posix.sockaddr_in();
  posix.getsockname(listener, me);
  const client = await connectLocal(posix.ntohs(me.sin_port));
  const fd = await posix.accept(listener);
  expect(fd).toBeGreaterThan(0);
  return { listener, fd, client };
}

async function winsockPair(): Promise<{ listener: number; s: number; client: TestClient }> {
  expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
  const listener = winsock.socket(winsock.PF_INET, winsock.SOCK_STREAM, 0);
  expect(await winsock.bind(listener, posixAddr(0))).toBe(0);
  expect(await winsock.listen(listener, 5)).toBe(0);
  const me = winsock.sockaddr_in();
  winsock.getsockname(listener, me);
  const client = await connectLocal(winsock.ntohs(me.sin_port));
  const s = await winsock.accept(listener);
  expect(s).not.toBe(winsock.INVALID_SOCKET);
  return { listener, s, client };
}

describe.each([
  ["posix", "echo-server.ts", "write", "read"],
  ["winsock", "echo-server-win.ts", "send", "recv"],
] as const)("the %s layer's echo loop", (_layer, file, writeCall, readCall) => {
  it("stops reading from a peer that sends without reading (backpressure through its writes)", async () => {
    const { run, connect } = await startServer(fixture(file));
    const hog = await connect();
    hog.socket.pause();
    const flood = 64 * 1024 * 1024;
    hog.socket.write(Buffer.alloc(flood, 0x78));
    // Its echo cannot go out, so its write waits; while it waits, the loop reads nothing more.
    await until(`the server to wait in ${writeCall}()`, () => run.blockedIn?.call === writeCall, 15_000);
    const read = run.trace.filter((e) => e.call === readCall).reduce((n, e) => n + Math.max(e.result, 0), 0);
    expect(read, "what the server read before its write waited").toBeLessThan(flood / 4);
    expect(hog.socket.writableLength, "what the client could not send").toBeGreaterThan(0);
    hog.reset();
    expect(await run.waitForExit()).toBe(0);
  });

  it("echoes 4 MiB of 1 KiB writes byte for byte (coalesced writes keep every byte in order)", async () => {
    const { run, connect } = await startServer(fixture(file));
    const c = await connect();
    const data = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    // Odd-sized pieces so the server's 1 KiB reads never line up with what was sent.
    for (let at = 0; at < data.length; at += 777) c.socket.write(data.subarray(at, at + 777));
    const back = await c.waitForBytes(data.length, "the 4 MiB echo", 20_000);
    expect(back.equals(data), "the echo is byte for byte what was sent").toBe(true);
    c.end();
    expect(await run.waitForExit()).toBe(0);
  });
});

describe("a loop of calls that return at once", () => {
  it("still lets timers run: a test deadline fires while it spins", async () => {
    await traced(async () => {
      // Only the yielding is under test here, not the busy-loop stop.
      currentContext().pace.limit = Number.POSITIVE_INFINITY;
      const { listener, fd, client } = await posixPair();
      client.end();
      const buf = Buffer.alloc(16);
      expect(await posix.read(fd, buf, 16)).toBe(0);
      let stop = false;
      let calls = 0;
      // Without yields this ends only after its cap, long after the deadline should have fired.
      const spin = (async () => {
        while (!stop && calls < 5_000_000) {
          await posix.read(fd, buf, 16);
          calls++;
        }
      })();
      await expect(withDeadline(spin, "a loop that never ends", 50)).rejects.toThrow(DeadlineExceeded);
      stop = true;
      await spin;
      expect(calls).toBeLessThan(5_000_000);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("is stopped when read() keeps returning 0 after the peer closed: one line on stderr, exit 1", async () => {
    const { run, connect } = await startServer(fixture("busy-server.ts"));
    const c = await connect();
    c.end();
    expect(await run.waitForExit("the busy loop to be stopped", 3000)).toBe(1);
    expect(run.stderr.text).toBe(
      "read() returned 0 on socket 4 1000 times in a row: the peer closed the connection and no more bytes will come. End the loop when read() returns 0 or -1 (loop while it is > 0).\n",
    );
  });

  it("is stopped when recv() keeps returning SOCKET_ERROR after a reset: one line on stderr, exit 1", async () => {
    const { run, connect } = await startServer(fixture("busy-server-win.ts"));
    const c = await connect();
    c.reset();
    expect(await run.waitForExit("the busy loop to be stopped", 3000)).toBe(1);
    expect(run.stderr.text).toBe(
      "recv() returned SOCKET_ERROR (WSAECONNRESET) on socket 272 1000 times in a row: the peer reset the connection and every later recv() fails the same way. End the loop when recv() returns 0 or SOCKET_ERROR (loop while it is > 0).\n",
    );
  });

  it("stops a loop repeating a call on a closed descriptor; throws BusyLoopError with a stable code", async () => {
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      posix.close(fd);
      const buf = Buffer.alloc(8);
      let calls = 0;
      const error = await (async () => {
        for (;;) {
          calls++;
          await posix.write(fd, buf, 8);
        }
      })().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(posix.BusyLoopError);
      expect((error as posix.BusyLoopError).code).toBe("KATA_BUSY_LOOP");
      expect((error as Error).message).toMatch(
        /^write\(\) returned -1 \(EBADF\) on socket 3 1000 times in a row: /,
      );
      expect(calls).toBe(posix.BUSY_LOOP_LIMIT);
    });
  });

  it("never stops a correct loop: many clients that each read 0 once on the same descriptor number", async () => {
    await traced(async () => {
      // A limit of 5 stands for the 1000 of a real run: ten clients are twice as many.
      currentContext().pace.limit = 5;
      const { listener, fd, client } = await posixPair();
      client.end();
      const buf = Buffer.alloc(8);
      expect(await posix.read(fd, buf, 8)).toBe(0);
      posix.close(fd);
      const me = posix.sockaddr_in();
      posix.getsockname(listener, me);
      for (let i = 0; i < 10; i++) {
        const c = await connectLocal(posix.ntohs(me.sin_port));
        c.socket.destroySoon();
        const next = await posix.accept(listener);
        expect(next).toBe(fd);
        expect(await posix.read(next, buf, 8)).toBe(0);
        posix.close(next);
      }
      posix.close(listener);
    });
  });
});

describe("after a reset (Linux's answers in posix, Windows' in winsock)", () => {
  it("posix read: -1 with ECONNRESET once, then 0, when the reset comes while read() waits", async () => {
    await traced(async () => {
      const { listener, fd, client } = await posixPair();
      const buf = Buffer.alloc(8);
      const waiting = posix.read(fd, buf, 8);
      client.reset();
      expect(await waiting).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      expect(await posix.read(fd, buf, 8)).toBe(0);
      expect(await posix.read(fd, buf, 8)).toBe(0);
      expect(await posix.write(fd, buf, 8)).toBe(-1);
      expect(posix.lastError().name).toBe("EPIPE");
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("posix read: the same when the reset arrived before the read", async () => {
    await traced(async () => {
      const { listener, fd, client } = await posixPair();
      client.reset();
      await untilEnded(fd);
      const buf = Buffer.alloc(64);
      expect(await posix.read(fd, buf, 64)).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      expect(await posix.read(fd, buf, 64)).toBe(0);
      expect(await posix.read(fd, buf, 64)).toBe(0);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("posix write: -1 with ECONNRESET once (when no read reported it first), then EPIPE; read then 0", async () => {
    await traced(async () => {
      const { listener, fd, client } = await posixPair();
      client.reset();
      await untilEnded(fd);
      const buf = Buffer.from("hello");
      expect(await posix.write(fd, buf, 5)).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      expect(await posix.write(fd, buf, 5)).toBe(-1);
      expect(posix.lastError().name).toBe("EPIPE");
      expect(await posix.read(fd, buf, 5)).toBe(0);
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("posix write: the first write to a peer that reset before it fails at once (ECONNRESET), then EPIPE", async () => {
    await traced(async () => {
      const { listener, fd, client } = await posixPair();
      // Nothing reads the accepted socket, so only the write can meet the reset, as for a server whose client
      // left before its greeting. The reset is sent by the time the client's socket has closed.
      const closed = once(client.socket, "close");
      client.reset();
      await closed;
      const buf = Buffer.from("Hello World!");
      expect(await posix.write(fd, buf, buf.length)).toBe(-1);
      expect(posix.lastError().name).toBe("ECONNRESET");
      expect(await posix.write(fd, buf, buf.length)).toBe(-1);
      expect(posix.lastError().name).toBe("EPIPE");
      posix.close(fd);
      posix.close(listener);
    });
  });

  it("winsock send: the first send to a peer that reset before it fails at once with WSAECONNRESET", async () => {
    await traced(async () => {
      const { listener, s, client } = await winsockPair();
      const closed = once(client.socket, "close");
      client.reset();
      await closed;
      const buf = Buffer.from("Hello World!");
      for (let i = 0; i < 2; i++) {
        expect(await winsock.send(s, buf, buf.length, 0)).toBe(winsock.SOCKET_ERROR);
        expect(winsock.WSAGetLastError()).toBe(winsock.WSAE.WSAECONNRESET);
      }
      winsock.closesocket(s);
      winsock.closesocket(listener);
      winsock.WSACleanup();
    });
  });

  it("winsock recv and send: SOCKET_ERROR with WSAECONNRESET on every call after a reset", async () => {
    await traced(async () => {
      const { listener, s, client } = await winsockPair();
      const buf = Buffer.alloc(8);
      const waiting = winsock.recv(s, buf, 8, 0);
      client.reset();
      expect(await waiting).toBe(winsock.SOCKET_ERROR);
      expect(winsock.WSAGetLastError()).toBe(winsock.WSAE.WSAECONNRESET);
      for (let i = 0; i < 3; i++) {
        expect(await winsock.recv(s, buf, 8, 0)).toBe(winsock.SOCKET_ERROR);
        expect(winsock.WSAGetLastError()).toBe(winsock.WSAE.WSAECONNRESET);
        expect(await winsock.send(s, buf, 8, 0)).toBe(winsock.SOCKET_ERROR);
        expect(winsock.WSAGetLastError()).toBe(winsock.WSAE.WSAECONNRESET);
      }
      winsock.closesocket(s);
      winsock.closesocket(listener);
      winsock.WSACleanup();
    });
  });
});

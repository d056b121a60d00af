// What the posix and winsock layers promise beyond single calls: backpressure, coalesced small writes that stay
// byte-exact, an event loop that keeps running under calls that return at once, busy loops stopped with the
// lesson, and what read/recv/write/send answer after a reset (Linux's way and Windows' way).
import { once } from "node:events";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { program } from "../src/cli/program.ts";
import { useLang } from "../src/i18n/index.ts";
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

// The lessons these tests match are the English ones, whatever the locale or KATA_LANG of the run.
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

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

/** An echo server in the listings' shape (1 KiB reads and writes), on either layer. */
const echoServers = {
  posix: program({ name: "echo.ts", params: ["<port>"] }, async ([port]) => {
    const { socket, bind, listen, accept, read, write, close, PF_INET, SOCK_STREAM } = posix;
    const serv = socket(PF_INET, SOCK_STREAM, 0);
    const a = posixAddr(Number(port));
    a.sin_addr.s_addr = posix.htonl(posix.INADDR_ANY);
    if ((await bind(serv, a)) === -1 || (await listen(serv, 5)) === -1) return 1;
    const clnt = await accept(serv);
    const buf = Buffer.alloc(1024);
    let n: number;
    while ((n = await read(clnt, buf, 1024)) > 0) if ((await write(clnt, buf, n)) === -1) break;
    close(clnt);
    close(serv);
    return 0;
  }),
  winsock: program({ name: "echo-win.ts", params: ["<port>"] }, async ([port]) => {
    const { WSAStartup, MAKEWORD, WSADATA, socket, bind, listen, accept, recv, send, closesocket } = winsock;
    if (WSAStartup(MAKEWORD(2, 2), WSADATA()) !== 0) return 1;
    const serv = socket(winsock.PF_INET, winsock.SOCK_STREAM, 0);
    const a = posixAddr(Number(port));
    a.sin_addr.s_addr = winsock.htonl(winsock.INADDR_ANY);
    if ((await bind(serv, a)) !== 0 || (await listen(serv, 5)) !== 0) return 1;
    const clnt = await accept(serv);
    const buf = Buffer.alloc(1024);
    let n: number;
    while ((n = await recv(clnt, buf, 1024, 0)) > 0) if ((await send(clnt, buf, n, 0)) === -1) break;
    closesocket(clnt);
    closesocket(serv);
    winsock.WSACleanup();
    return 0;
  }),
};

/** Resolves with the client's unsent byte count once it stops shrinking; rejects if the server took them all. */
function waitForStall(client: TestClient, sent: number): Promise<number> {
  const socket = client.socket;
  return withDeadline(
    new Promise<number>((resolve, reject) => {
      let last = socket.writableLength;
      const timer = setInterval(() => {
        const now = socket.writableLength;
        if (now === 0) {
          clearInterval(timer);
          reject(
            new Error(`the server took all ${sent} bytes from a client that never read: unbounded buffering`),
          );
        } else if (now === last) {
          clearInterval(timer);
          resolve(now);
        }
        last = now;
      }, 250);
    }),
    "the server to stop reading from a client that does not read",
    15_000,
  );
}

describe.each(["posix", "winsock"] as const)("the %s layer's echo loop", (layer) => {
  it("stops reading from a peer that sends without reading (backpressure through its writes)", async () => {
    const { run, connect } = await startServer(echoServers[layer]);
    const hog = await connect();
    hog.socket.pause();
    const flood = 64 * 1024 * 1024;
    hog.socket.write(Buffer.alloc(flood, 0x78));
    expect(await waitForStall(hog, flood)).toBeGreaterThan(0);
    hog.reset();
    expect(await run.waitForExit()).toBe(0);
  });

  it("echoes 4 MiB of 1 KiB writes byte for byte (coalesced writes keep every byte in order)", async () => {
    const { run, connect } = await startServer(echoServers[layer]);
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

  const busyPosix = program({ name: "busy.ts", params: ["<port>"] }, async ([port]) => {
    const serv = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
    await posix.bind(serv, posixAddr(Number(port)));
    await posix.listen(serv, 5);
    const clnt = await posix.accept(serv);
    const buf = Buffer.alloc(1024);
    // The planted mistake: 0 (end of stream) does not end the loop.
    while ((await posix.read(clnt, buf, 1024)) !== -1);
    posix.close(clnt);
    posix.close(serv);
  });

  const busyWinsock = program({ name: "busy-win.ts", params: ["<port>"] }, async ([port]) => {
    winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA());
    const serv = winsock.socket(winsock.PF_INET, winsock.SOCK_STREAM, 0);
    await winsock.bind(serv, posixAddr(Number(port)));
    await winsock.listen(serv, 5);
    const clnt = await winsock.accept(serv);
    const buf = Buffer.alloc(1024);
    // The listing's loop: `!= 0` does not end on SOCKET_ERROR, which Windows repeats after a reset; its send
    // with length SOCKET_ERROR fails too, between the recv calls.
    let n: number;
    while ((n = await winsock.recv(clnt, buf, 1024, 0)) !== 0) await winsock.send(clnt, buf, n, 0);
    winsock.closesocket(clnt);
    winsock.closesocket(serv);
  });

  it("is stopped when read() keeps returning 0 after the peer closed: one line on stderr, exit 1", async () => {
    const { run, connect } = await startServer(busyPosix);
    const c = await connect();
    c.end();
    expect(await run.waitForExit("the busy loop to be stopped", 3000)).toBe(1);
    expect(run.stderr.text).toBe(
      "read() returned 0 on socket 4 1000 times in a row: the peer closed the connection and no more bytes will come. End the loop when read() returns 0 or -1 (loop while it is > 0).\n",
    );
  });

  it("is stopped when recv() keeps returning SOCKET_ERROR after a reset: one line on stderr, exit 1", async () => {
    const { run, connect } = await startServer(busyWinsock);
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
      const { listener, fd, client } = await posixPair();
      client.end();
      const buf = Buffer.alloc(8);
      expect(await posix.read(fd, buf, 8)).toBe(0);
      posix.close(fd);
      const me = posix.sockaddr_in();
      posix.getsockname(listener, me);
      for (let i = 0; i < posix.BUSY_LOOP_LIMIT + 5; i++) {
        const c = await connectLocal(posix.ntohs(me.sin_port));
        c.socket.destroySoon();
        const next = await posix.accept(listener);
        expect(next).toBe(fd);
        expect(await posix.read(next, buf, 8)).toBe(0);
        posix.close(next);
      }
      posix.close(listener);
    });
  }, 60_000);
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

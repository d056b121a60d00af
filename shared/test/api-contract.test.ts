// The contract of the posix and winsock layers as a program and a kata's test see it: every call's return
// value, errno / WSAGetLastError, and the exact trace event it records (name, fd, result, error, detail), on
// success and on failure; WSAStartup's version negotiation; which calls count toward the busy-loop guard and
// which end a streak; the event-loop yield of calls that return at once. Written from a mutation run's
// survivors in src/posix/index.ts and src/winsock/index.ts (see MUTATION.md).
import type net from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import {
  newContext,
  processIO,
  type ProgramContext,
  runInContext,
  type TraceEvent,
} from "../src/internal/context.ts";
import { BusyLoopError } from "../src/internal/pace.ts";
import { closeAllAtExit } from "../src/internal/sockets.ts";
import * as posix from "../src/posix/index.ts";
import {
  connectLocal,
  listenLocal,
  LOOPBACK,
  refusedPort,
  registerCleanup,
  withDeadline,
} from "../src/testing/index.ts";
import * as winsock from "../src/winsock/index.ts";

// The lessons these tests match are the English ones, whatever the locale or KATA_LANG of the run.
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

const { PF_INET, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, AF_INET, SHUT_WR } = posix;
const { SOCKET_ERROR, INVALID_SOCKET, MAKEWORD } = winsock;

/**
 * Runs `fn` as its own traced program; whatever it leaves open is closed when the test ends, pass or fail
 * (registered before anything is opened).
 */
async function program<T>(
  fn: (ctx: ProgramContext) => Promise<T>,
): Promise<{ result: T; trace: TraceEvent[] }> {
  const ctx = newContext("api-contract", processIO(), true);
  registerCleanup(() => runInContext(ctx, async () => closeAllAtExit()));
  const result = await runInContext(ctx, () => fn(ctx));
  return { result, trace: ctx.trace };
}

function addr(port: number, family = AF_INET): posix.sockaddr_in {
  const a = posix.sockaddr_in();
  a.sin_family = family;
  a.sin_addr.s_addr = posix.inet_addr(LOOPBACK);
  a.sin_port = posix.htons(port);
  return a;
}

/** A sockaddr_in as accept/getsockname fill it for 127.0.0.1:port. */
function filled(port: number): posix.sockaddr_in {
  return {
    sin_family: AF_INET,
    sin_port: posix.htons(port),
    sin_addr: { s_addr: posix.inet_addr(LOOPBACK) },
  };
}

/** Calls `call` `times` times; the BusyLoopError that stopped it (and at which call), or undefined. */
async function repeat(
  times: number,
  call: () => number | Promise<number>,
): Promise<{ at: number; message: string } | undefined> {
  for (let i = 1; i <= times; i++) {
    try {
      await call();
    } catch (err) {
      if (err instanceof BusyLoopError) return { at: i, message: err.message };
      throw err;
    }
  }
  return undefined;
}

/** A posix listener, a client connected to it with posix connect, and the accepted descriptor. */
async function posixPair(): Promise<{ srv: number; cli: number; conn: number }> {
  const srv = posix.socket(PF_INET, SOCK_STREAM, 0);
  expect(await posix.bind(srv, addr(0))).toBe(0);
  expect(await posix.listen(srv, 5)).toBe(0);
  const me = posix.sockaddr_in();
  expect(posix.getsockname(srv, me)).toBe(0);
  const cli = posix.socket(PF_INET, SOCK_STREAM, 0);
  expect(await posix.connect(cli, addr(posix.ntohs(me.sin_port)))).toBe(0);
  const conn = await posix.accept(srv);
  expect(conn).toBeGreaterThan(0);
  return { srv, cli, conn };
}

/** The same with Winsock (WSAStartup first). */
async function winsockPair(): Promise<{ srv: number; cli: number; conn: number }> {
  expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
  const srv = winsock.socket(PF_INET, SOCK_STREAM, 0);
  expect(await winsock.bind(srv, addr(0))).toBe(0);
  expect(await winsock.listen(srv, 5)).toBe(0);
  const me = posix.sockaddr_in();
  expect(winsock.getsockname(srv, me)).toBe(0);
  const cli = winsock.socket(PF_INET, SOCK_STREAM, 0);
  expect(await winsock.connect(cli, addr(posix.ntohs(me.sin_port)))).toBe(0);
  const conn = await winsock.accept(srv);
  expect(conn).not.toBe(INVALID_SOCKET);
  return { srv, cli, conn };
}

describe("posix: what each call returns, sets and traces", () => {
  it("before any call fails: errno() is 0, lastError() says so, and a new sockaddr_in is all zeros", async () => {
    await program(async () => {
      expect(posix.errno()).toBe(0);
      expect(posix.lastError()).toEqual({ name: "0", errno: 0, message: "Success" });
      expect(posix.sockaddr_in()).toEqual({ sin_family: 0, sin_port: 0, sin_addr: { s_addr: 0 } });
      expect(posix.errnoName(4242)).toBe("E4242");
      expect(posix.errnoName(98)).toBe("EADDRINUSE");
    });
  });

  it("every call once succeeding and once failing: return value, errno, and the exact trace event", async () => {
    const taken = await listenLocal();
    const refused = await refusedPort();
    const { result, trace } = await program(async () => {
      const errors: string[] = [];
      const failedWith = (got: number) => {
        expect(got).toBe(-1);
        errors.push(posix.errnoName(posix.errno()));
      };
      failedWith(posix.socket(99, SOCK_STREAM, 0));
      failedWith(posix.socket(PF_INET, SOCK_DGRAM, 0));
      failedWith(posix.socket(PF_INET, SOCK_STREAM, 17));
      const srv = posix.socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);
      failedWith(await posix.bind(srv, addr(0, 99)));
      failedWith(await posix.bind(srv, addr(taken.port)));
      expect(await posix.bind(srv, addr(0))).toBe(0);
      expect(await posix.listen(srv, 7)).toBe(0);
      const me = posix.sockaddr_in();
      expect(posix.getsockname(srv, me)).toBe(0);
      const port = posix.ntohs(me.sin_port);
      expect(me).toEqual(filled(port));

      const cli = posix.socket(PF_INET, SOCK_STREAM, 0);
      failedWith(await posix.connect(cli, addr(port, 99)));
      failedWith(await posix.connect(cli, addr(refused)));
      expect(await posix.connect(cli, addr(port))).toBe(0);
      const mine = posix.sockaddr_in();
      expect(posix.getsockname(cli, mine)).toBe(0);
      const cport = posix.ntohs(mine.sin_port);
      const peer = posix.sockaddr_in();
      const conn = await posix.accept(srv, peer);
      expect(peer).toEqual(filled(cport));
      failedWith(await posix.accept(cli));
      failedWith(await posix.listen(cli, 5));
      const theirs = posix.sockaddr_in();
      expect(posix.getpeername(cli, theirs)).toBe(0);
      expect(theirs).toEqual(filled(port));
      failedWith(posix.getpeername(srv, posix.sockaddr_in()));

      const buf = Buffer.alloc(8);
      failedWith(await posix.write(cli, buf, -1));
      failedWith(await posix.write(cli, buf, 1.5));
      failedWith(await posix.write(cli, buf, 9));
      expect(await posix.write(cli, buf, 0)).toBe(0);
      expect(await posix.write(cli, Buffer.from("xyz"), 1)).toBe(1);
      failedWith(await posix.read(conn, buf, -1));
      expect(await posix.read(conn, buf, 0)).toBe(0);
      failedWith(posix.shutdown(cli, 0));
      failedWith(posix.shutdown(srv, SHUT_WR));
      expect(posix.shutdown(cli, SHUT_WR)).toBe(0);
      // One byte was written before the FIN: it cannot arrive split, so this is one read of 1, then 0.
      expect(await posix.read(conn, buf, 8)).toBe(1);
      expect(buf.toString("latin1", 0, 1)).toBe("x");
      expect(await posix.read(conn, buf, 8)).toBe(0);

      expect(posix.close(cli)).toBe(0);
      expect(posix.close(conn)).toBe(0);
      expect(posix.close(srv)).toBe(0);
      failedWith(posix.close(srv));
      failedWith(posix.getsockname(srv, posix.sockaddr_in()));
      failedWith(posix.getpeername(srv, posix.sockaddr_in()));
      failedWith(await posix.listen(srv, 5));
      failedWith(await posix.read(srv, buf, 8));
      failedWith(await posix.write(srv, buf, 8));
      return { srv, cli, conn, port, cport, errors };
    });
    const { srv, cli, conn, port, cport, errors } = result;
    expect([srv, cli, conn]).toEqual([3, 4, 5]);
    expect(errors).toEqual([
      "EAFNOSUPPORT",
      "ESOCKTNOSUPPORT",
      "EPROTONOSUPPORT",
      "EAFNOSUPPORT",
      "EADDRINUSE",
      "EAFNOSUPPORT",
      "ECONNREFUSED",
      "EINVAL",
      "EINVAL",
      "ENOTCONN",
      "EINVAL",
      "EINVAL",
      "EFAULT",
      "EINVAL",
      "EINVAL",
      "ENOTCONN",
      "EBADF",
      "EBADF",
      "EBADF",
      "EBADF",
      "EBADF",
      "EBADF",
    ]);
    const host = LOOPBACK;
    expect(trace).toEqual([
      { call: "socket", result: -1, error: "EAFNOSUPPORT" },
      { call: "socket", result: -1, error: "ESOCKTNOSUPPORT" },
      { call: "socket", result: -1, error: "EPROTONOSUPPORT" },
      { call: "socket", fd: 3, result: 3 },
      { call: "bind", fd: 3, result: -1, error: "EAFNOSUPPORT" },
      { call: "bind", fd: 3, result: -1, error: "EADDRINUSE" },
      { call: "bind", fd: 3, result: 0, detail: { host, port } },
      { call: "listen", fd: 3, result: 0, detail: { host, port, backlog: 7 } },
      { call: "getsockname", fd: 3, result: 0, detail: { host, port } },
      { call: "socket", fd: 4, result: 4 },
      { call: "connect", fd: 4, result: -1, error: "EAFNOSUPPORT" },
      { call: "connect", fd: 4, result: -1, error: "ECONNREFUSED" },
      { call: "connect", fd: 4, result: 0, detail: { host, port } },
      { call: "getsockname", fd: 4, result: 0, detail: { host, port: cport } },
      { call: "accept", fd: 3, result: 5, detail: { host, port: cport } },
      { call: "accept", fd: 4, result: -1, error: "EINVAL" },
      { call: "listen", fd: 4, result: -1, error: "EINVAL" },
      { call: "getpeername", fd: 4, result: 0, detail: { host, port } },
      { call: "getpeername", fd: 3, result: -1, error: "ENOTCONN" },
      { call: "write", fd: 4, result: -1, error: "EINVAL" },
      { call: "write", fd: 4, result: -1, error: "EINVAL" },
      { call: "write", fd: 4, result: -1, error: "EFAULT" },
      { call: "write", fd: 4, result: 0 },
      { call: "write", fd: 4, result: 1 },
      { call: "read", fd: 5, result: -1, error: "EINVAL" },
      { call: "read", fd: 5, result: 0 },
      { call: "shutdown", fd: 4, result: -1, error: "EINVAL" },
      { call: "shutdown", fd: 3, result: -1, error: "ENOTCONN" },
      { call: "shutdown", fd: 4, result: 0 },
      { call: "read", fd: 5, result: 1 },
      { call: "read", fd: 5, result: 0 },
      { call: "close", fd: 4, result: 0 },
      { call: "close", fd: 5, result: 0 },
      { call: "close", fd: 3, result: 0 },
      { call: "close", fd: 3, result: -1, error: "EBADF" },
      { call: "getsockname", fd: 3, result: -1, error: "EBADF" },
      { call: "getpeername", fd: 3, result: -1, error: "EBADF" },
      { call: "listen", fd: 3, result: -1, error: "EBADF" },
      { call: "read", fd: 3, result: -1, error: "EBADF" },
      { call: "write", fd: 3, result: -1, error: "EBADF" },
    ]);
  });
});

describe("winsock: what each call returns, sets and traces", () => {
  it("before any call fails: WSAGetLastError() is 0, lastError() is Windows' NO_ERROR; WSADATA() starts empty", async () => {
    await program(async () => {
      expect(winsock.WSAGetLastError()).toBe(0);
      expect(winsock.lastError()).toEqual({
        name: "NO_ERROR",
        errno: 0,
        message: "The operation completed successfully.",
        style: "winsock",
      });
      expect(winsock.WSADATA()).toEqual({
        wVersion: 0,
        wHighVersion: 0,
        szDescription: "",
        szSystemStatus: "",
      });
    });
  });

  it("WSACleanup without WSAStartup sets WSANOTINITIALISED itself", async () => {
    const { trace } = await program(async () => {
      expect(winsock.WSACleanup()).toBe(SOCKET_ERROR);
      expect(winsock.WSAGetLastError()).toBe(10093);
      expect(winsock.lastError().name).toBe("WSANOTINITIALISED");
    });
    expect(trace).toEqual([{ call: "WSACleanup", result: SOCKET_ERROR, error: "WSANOTINITIALISED" }]);
  });

  it("WSAStartup gives the version asked for, at most 2.2, and refuses anything below 1.1", async () => {
    const asked: [number, number][] = [
      [2, 2],
      [3, 0],
      [2, 3],
      [2, 1],
      [2, 0],
      [1, 1],
      [1, 3],
      [1, 0],
      [0, 5],
    ];
    const { result, trace } = await program(async () =>
      asked.map(([major, minor]) => {
        const data = winsock.WSADATA();
        const answer = winsock.WSAStartup(MAKEWORD(major, minor), data);
        return { answer, data };
      }),
    );
    const given = ["2.2", "2.2", "2.2", "2.1", "2.0", "1.1", "1.3"];
    const expected = [
      ...given.map((version) => {
        const [major, minor] = version.split(".").map(Number) as [number, number];
        return {
          answer: 0,
          data: {
            wVersion: MAKEWORD(major, minor),
            wHighVersion: 0x0202,
            szDescription: "WinSock 2.0 (tcp-ip-katas over node:net)",
            szSystemStatus: "Running",
          },
        };
      }),
      { answer: 10092, data: winsock.WSADATA() },
      { answer: 10092, data: winsock.WSADATA() },
    ];
    expect(result).toEqual(expected);
    expect(trace).toEqual([
      ...given.map((version) => ({ call: "WSAStartup", result: 0, detail: { version } })),
      { call: "WSAStartup", result: 10092, error: "WSAVERNOTSUPPORTED" },
      { call: "WSAStartup", result: 10092, error: "WSAVERNOTSUPPORTED" },
    ]);
  });

  it("every call before WSAStartup, after a failure, after closesocket and after WSACleanup: exact trace", async () => {
    const taken = await listenLocal();
    const refused = await refusedPort();
    const { result, trace } = await program(async () => {
      const errors: string[] = [];
      const failedWith = (got: number, expected = SOCKET_ERROR) => {
        expect(got).toBe(expected);
        errors.push(winsock.lastError().name);
      };
      const buf = Buffer.alloc(8);
      const h = 0x10c;
      // Before WSAStartup, each call is refused before it looks at its arguments.
      failedWith(winsock.socket(PF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
      failedWith(await winsock.bind(h, addr(0)));
      failedWith(await winsock.listen(h, 5));
      failedWith(await winsock.accept(h), INVALID_SOCKET);
      failedWith(await winsock.connect(h, addr(taken.port)));
      failedWith(await winsock.send(h, buf, 1, 0));
      failedWith(await winsock.recv(h, buf, 1, 0));
      failedWith(winsock.closesocket(h));
      failedWith(winsock.getsockname(h, posix.sockaddr_in()));

      expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      failedWith(winsock.socket(99, SOCK_STREAM, 0), INVALID_SOCKET);
      failedWith(winsock.socket(PF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
      failedWith(winsock.socket(PF_INET, SOCK_STREAM, 17), INVALID_SOCKET);
      const srv = winsock.socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);
      failedWith(await winsock.bind(srv, addr(0, 99)));
      failedWith(await winsock.bind(srv, addr(taken.port)));
      expect(await winsock.bind(srv, addr(0))).toBe(0);
      expect(await winsock.listen(srv, 3)).toBe(0);
      const me = posix.sockaddr_in();
      expect(winsock.getsockname(srv, me)).toBe(0);
      const port = posix.ntohs(me.sin_port);
      expect(me).toEqual(filled(port));

      const cli = winsock.socket(PF_INET, SOCK_STREAM, 0);
      failedWith(await winsock.connect(cli, addr(port, 99)));
      failedWith(await winsock.connect(cli, addr(refused)));
      expect(await winsock.connect(cli, addr(port))).toBe(0);
      const mine = posix.sockaddr_in();
      expect(winsock.getsockname(cli, mine)).toBe(0);
      const cport = posix.ntohs(mine.sin_port);
      failedWith(await winsock.accept(cli), INVALID_SOCKET);
      failedWith(await winsock.listen(cli, 5));
      const peer = posix.sockaddr_in();
      const conn = await winsock.accept(srv, peer);
      expect(peer).toEqual(filled(cport));

      failedWith(await winsock.send(cli, buf, -1, 0));
      failedWith(await winsock.send(cli, buf, 1.5, 0));
      failedWith(await winsock.send(cli, buf, 9, 0));
      failedWith(await winsock.send(cli, buf, 1, 1));
      failedWith(await winsock.send(srv, buf, 1, 0));
      expect(await winsock.send(cli, buf, 0, 0)).toBe(0);
      expect(await winsock.send(cli, Buffer.from("xyz"), 1, 0)).toBe(1);
      failedWith(await winsock.recv(conn, buf, -1, 0));
      failedWith(await winsock.recv(conn, buf, 1, 1));
      failedWith(await winsock.recv(srv, buf, 1, 0));
      expect(await winsock.recv(conn, buf, 0, 0)).toBe(0);
      expect(winsock.closesocket(cli)).toBe(0);
      // One byte was sent before the close: it cannot arrive split, so this is one recv of 1, then 0.
      expect(await winsock.recv(conn, buf, 8, 0)).toBe(1);
      expect(buf.toString("latin1", 0, 1)).toBe("x");
      expect(await winsock.recv(conn, buf, 8, 0)).toBe(0);
      expect(winsock.closesocket(conn)).toBe(0);
      expect(winsock.closesocket(srv)).toBe(0);

      // A closed handle is not a socket, whatever else is wrong with the call.
      failedWith(winsock.closesocket(srv));
      failedWith(winsock.getsockname(srv, posix.sockaddr_in()));
      failedWith(await winsock.bind(srv, addr(0)));
      failedWith(await winsock.listen(srv, 5));
      failedWith(await winsock.accept(srv), INVALID_SOCKET);
      failedWith(await winsock.connect(srv, addr(port)));
      failedWith(await winsock.send(srv, buf, -1, 0));
      failedWith(await winsock.send(srv, buf, 1, 1));
      failedWith(await winsock.recv(srv, buf, -1, 0));
      failedWith(await winsock.recv(srv, buf, 1, 1));

      // After the last WSACleanup even an open socket is refused, before its arguments are looked at.
      const open = winsock.socket(PF_INET, SOCK_STREAM, 0);
      expect(winsock.WSACleanup()).toBe(0);
      failedWith(await winsock.send(open, buf, -1, 0));
      failedWith(await winsock.send(open, buf, 1, 1));
      failedWith(await winsock.recv(open, buf, -1, 0));
      failedWith(await winsock.recv(open, buf, 1, 1));
      failedWith(winsock.WSACleanup());
      return { srv, cli, conn, open, port, cport, errors };
    });
    const { srv, cli, conn, open, port, cport, errors } = result;
    expect([srv, cli, conn, open]).toEqual([0x10c, 0x110, 0x114, 0x10c]);
    const notInit = Array<string>(9).fill("WSANOTINITIALISED");
    const notSock = Array<string>(10).fill("WSAENOTSOCK");
    expect(errors).toEqual([
      ...notInit,
      "WSAEAFNOSUPPORT",
      "WSAESOCKTNOSUPPORT",
      "WSAEPROTONOSUPPORT",
      "WSAEAFNOSUPPORT",
      "WSAEADDRINUSE",
      "WSAEAFNOSUPPORT",
      "WSAECONNREFUSED",
      "WSAEINVAL",
      "WSAEINVAL",
      "WSAEINVAL",
      "WSAEINVAL",
      "WSAEFAULT",
      "WSAEOPNOTSUPP",
      "WSAENOTCONN",
      "WSAEINVAL",
      "WSAEOPNOTSUPP",
      "WSAENOTCONN",
      ...notSock,
      ...Array<string>(5).fill("WSANOTINITIALISED"),
    ]);
    const host = LOOPBACK;
    const h = 0x10c;
    const E = SOCKET_ERROR;
    const I = INVALID_SOCKET;
    expect(trace).toEqual([
      { call: "socket", result: I, error: "WSANOTINITIALISED" },
      { call: "bind", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "listen", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "accept", fd: h, result: I, error: "WSANOTINITIALISED" },
      { call: "connect", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "send", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "recv", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "closesocket", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "getsockname", fd: h, result: E, error: "WSANOTINITIALISED" },
      { call: "WSAStartup", result: 0, detail: { version: "2.2" } },
      { call: "socket", result: I, error: "WSAEAFNOSUPPORT" },
      { call: "socket", result: I, error: "WSAESOCKTNOSUPPORT" },
      { call: "socket", result: I, error: "WSAEPROTONOSUPPORT" },
      { call: "socket", fd: srv, result: srv },
      { call: "bind", fd: srv, result: E, error: "WSAEAFNOSUPPORT" },
      { call: "bind", fd: srv, result: E, error: "WSAEADDRINUSE" },
      { call: "bind", fd: srv, result: 0, detail: { host, port } },
      { call: "listen", fd: srv, result: 0, detail: { host, port, backlog: 3 } },
      { call: "getsockname", fd: srv, result: 0, detail: { host, port } },
      { call: "socket", fd: cli, result: cli },
      { call: "connect", fd: cli, result: E, error: "WSAEAFNOSUPPORT" },
      { call: "connect", fd: cli, result: E, error: "WSAECONNREFUSED" },
      { call: "connect", fd: cli, result: 0, detail: { host, port } },
      { call: "getsockname", fd: cli, result: 0, detail: { host, port: cport } },
      { call: "accept", fd: cli, result: I, error: "WSAEINVAL" },
      { call: "listen", fd: cli, result: E, error: "WSAEINVAL" },
      { call: "accept", fd: srv, result: conn, detail: { host, port: cport } },
      { call: "send", fd: cli, result: E, error: "WSAEINVAL" },
      { call: "send", fd: cli, result: E, error: "WSAEINVAL" },
      { call: "send", fd: cli, result: E, error: "WSAEFAULT" },
      { call: "send", fd: cli, result: E, error: "WSAEOPNOTSUPP" },
      { call: "send", fd: srv, result: E, error: "WSAENOTCONN" },
      { call: "send", fd: cli, result: 0 },
      { call: "send", fd: cli, result: 1 },
      { call: "recv", fd: conn, result: E, error: "WSAEINVAL" },
      { call: "recv", fd: conn, result: E, error: "WSAEOPNOTSUPP" },
      { call: "recv", fd: srv, result: E, error: "WSAENOTCONN" },
      { call: "recv", fd: conn, result: 0 },
      { call: "closesocket", fd: cli, result: 0 },
      { call: "recv", fd: conn, result: 1 },
      { call: "recv", fd: conn, result: 0 },
      { call: "closesocket", fd: conn, result: 0 },
      { call: "closesocket", fd: srv, result: 0 },
      { call: "closesocket", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "getsockname", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "bind", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "listen", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "accept", fd: srv, result: I, error: "WSAENOTSOCK" },
      { call: "connect", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "send", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "send", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "recv", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "recv", fd: srv, result: E, error: "WSAENOTSOCK" },
      { call: "socket", fd: open, result: open },
      { call: "WSACleanup", result: 0 },
      { call: "send", fd: open, result: E, error: "WSANOTINITIALISED" },
      { call: "send", fd: open, result: E, error: "WSANOTINITIALISED" },
      { call: "recv", fd: open, result: E, error: "WSANOTINITIALISED" },
      { call: "recv", fd: open, result: E, error: "WSANOTINITIALISED" },
      { call: "WSACleanup", result: E, error: "WSANOTINITIALISED" },
    ]);
  });
});

describe("an error Node reports with a code no table knows", () => {
  it("becomes WSAEINVAL in winsock (white box: the connection's node:net socket is destroyed with it)", async () => {
    const { result, trace } = await program(async (ctx) => {
      const { conn } = await winsockPair();
      const { socket } = ctx.fds.get((conn - 0x100) / 4) as { socket: net.Socket };
      socket.destroy(Object.assign(new Error("made up"), { code: "EMADEUP" }));
      const got = await withDeadline(winsock.recv(conn, Buffer.alloc(4), 4, 0), "the failed recv");
      return { conn, got, last: winsock.lastError().name };
    });
    expect(result).toEqual({ conn: result.conn, got: SOCKET_ERROR, last: "WSAEINVAL" });
    expect(trace.at(-1)).toEqual({ call: "recv", fd: result.conn, result: SOCKET_ERROR, error: "WSAEINVAL" });
  });
});

describe("the busy-loop guard: what counts toward a streak and what ends it", () => {
  it("posix: a write or read that moves bytes ends a streak of failures; a 0-byte write does not", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      const { cli, conn } = await posixPair();
      const bad = Buffer.alloc(4);
      const one = Buffer.from("a");
      const badWrite = () => posix.write(cli, bad, -1);
      expect(await repeat(2, badWrite)).toBeUndefined();
      expect(await posix.write(cli, one, 1)).toBe(1);
      expect(await repeat(3, badWrite)).toEqual({
        at: 3,
        message:
          "write() returned -1 (EINVAL) on socket 4 3 times in a row: the call cannot succeed on this socket, however often it is repeated. Stop calling write() once it returns -1.",
      });
      expect(await repeat(2, badWrite)).toBeUndefined();
      expect(await posix.write(cli, bad, 0)).toBe(0);
      expect((await repeat(1, badWrite))?.at).toBe(1);
      // Writes that each move a byte are never a loop, however many in a row.
      expect(await repeat(3, () => posix.write(cli, one, 1))).toBeUndefined();

      const badRead = () => posix.read(conn, bad, -1);
      expect(await repeat(2, badRead)).toBeUndefined();
      expect(await posix.read(conn, one, 1)).toBe(1);
      expect(await repeat(3, badRead)).toEqual({
        at: 3,
        message:
          "read() returned -1 (EINVAL) on socket 5 3 times in a row: the call cannot succeed on this socket, however often it is repeated. End the loop when read() returns 0 or -1 (loop while it is > 0).",
      });
      // Three bytes are left: reads of one byte each are never a loop.
      expect(await repeat(3, () => posix.read(conn, one, 1))).toBeUndefined();
    });
  });

  it("a loop of failing socket() calls is stopped too, and its lesson names descriptor -1", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      const posixLoop = await repeat(3, () => posix.socket(99, SOCK_STREAM, 0));
      expect(posixLoop?.at).toBe(3);
      expect(posixLoop?.message).toContain(
        "socket() returned -1 (EAFNOSUPPORT) on socket -1 3 times in a row: ",
      );
      expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const winsockLoop = await repeat(3, () => winsock.socket(99, SOCK_STREAM, 0));
      expect(winsockLoop?.at).toBe(3);
      expect(winsockLoop?.message).toContain("(WSAEAFNOSUPPORT) on socket -1 3 times in a row: ");
    });
  });

  it("posix: accept() and close() start a descriptor's count afresh", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      const bad = Buffer.alloc(4);
      const fd = posix.socket(PF_INET, SOCK_STREAM, 0);
      expect(await repeat(2, () => posix.write(fd, bad, -1))).toBeUndefined();
      expect(posix.close(fd)).toBe(0);
      expect(await repeat(2, () => posix.write(fd, bad, -1))).toBeUndefined();

      const srv = posix.socket(PF_INET, SOCK_STREAM, 0);
      expect(await posix.listen(srv, 5)).toBe(0);
      const me = posix.sockaddr_in();
      expect(posix.getsockname(srv, me)).toBe(0);
      const next = srv + 1;
      expect(await repeat(2, () => posix.write(next, bad, -1))).toBeUndefined();
      await connectLocal(posix.ntohs(me.sin_port));
      expect(await posix.accept(srv)).toBe(next);
      expect(await repeat(2, () => posix.write(next, bad, -1))).toBeUndefined();
    });
  });

  it("winsock: a failing send's lesson; a send or recv that moves bytes ends a streak; recv 0 is one", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      const { cli, conn } = await winsockPair();
      const bad = Buffer.alloc(4);
      const one = Buffer.from("a");
      const badSend = () => winsock.send(cli, bad, -1, 0);
      expect(await repeat(2, badSend)).toBeUndefined();
      expect(await winsock.send(cli, one, 1, 0)).toBe(1);
      expect(await repeat(3, badSend)).toEqual({
        at: 3,
        message: `send() returned SOCKET_ERROR (WSAEINVAL) on socket ${cli} 3 times in a row: the call cannot succeed on this socket, however often it is repeated. Stop calling send() once it returns SOCKET_ERROR.`,
      });
      expect(await repeat(2, badSend)).toBeUndefined();
      expect(await winsock.send(cli, bad, 0, 0)).toBe(0);
      expect((await repeat(1, badSend))?.at).toBe(1);
      expect(await repeat(3, () => winsock.send(cli, one, 1, 0))).toBeUndefined();

      const badRecv = () => winsock.recv(conn, bad, -1, 0);
      expect(await repeat(2, badRecv)).toBeUndefined();
      expect(await winsock.recv(conn, one, 1, 0)).toBe(1);
      expect((await repeat(3, badRecv))?.at).toBe(3);
      expect(await repeat(3, () => winsock.recv(conn, one, 1, 0))).toBeUndefined();

      expect(winsock.closesocket(cli)).toBe(0);
      // recv returns 0 at the end of the stream (no more bytes are left): the third 0 in a row stops the loop.
      expect(await repeat(3, () => winsock.recv(conn, bad, 4, 0))).toEqual({
        at: 3,
        message: `recv() returned 0 on socket ${conn} 3 times in a row: the peer closed the connection and no more bytes will come. End the loop when recv() returns 0 or SOCKET_ERROR (loop while it is > 0).`,
      });
    });
  });

  it("winsock: socket() and accept() fail with INVALID_SOCKET, and their lesson says so", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      expect(await repeat(3, async () => winsock.socket(99, SOCK_STREAM, 0))).toEqual({
        at: 3,
        message:
          "socket() returned INVALID_SOCKET (WSAEAFNOSUPPORT) on socket -1 3 times in a row: the call cannot succeed on this socket, however often it is repeated. Stop calling socket() once it returns INVALID_SOCKET.",
      });
      // accept() on a socket that does not listen fails at once, every time (WSAEINVAL).
      const idle = winsock.socket(PF_INET, SOCK_STREAM, 0);
      expect(await repeat(3, () => winsock.accept(idle))).toEqual({
        at: 3,
        message: `accept() returned INVALID_SOCKET (WSAEINVAL) on socket ${idle} 3 times in a row: the call cannot succeed on this socket, however often it is repeated. Stop calling accept() once it returns INVALID_SOCKET.`,
      });
    });
  });

  it("a read or recv of 0 bytes returns 0 without counting as the peer's end", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      const { conn } = await posixPair();
      const buf = Buffer.alloc(4);
      expect(await repeat(4, () => posix.read(conn, buf, 0))).toBeUndefined();
      const w = await winsockPair();
      expect(await repeat(4, () => winsock.recv(w.conn, buf, 0, 0))).toBeUndefined();
    });
  });

  it("winsock: closesocket() and accept() start a handle's count afresh", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = 3;
      expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const bad = Buffer.alloc(4);
      const s = winsock.socket(PF_INET, SOCK_STREAM, 0);
      expect(await repeat(2, () => winsock.send(s, bad, -1, 0))).toBeUndefined();
      expect(winsock.closesocket(s)).toBe(0);
      expect(winsock.socket(PF_INET, SOCK_STREAM, 0)).toBe(s);
      expect(await repeat(2, () => winsock.send(s, bad, -1, 0))).toBeUndefined();

      expect(await winsock.listen(s, 5)).toBe(0);
      const me = posix.sockaddr_in();
      expect(winsock.getsockname(s, me)).toBe(0);
      const port = posix.ntohs(me.sin_port);
      await connectLocal(port);
      await connectLocal(port);
      const first = await winsock.accept(s);
      expect(await repeat(2, () => winsock.send(first, bad, -1, 0))).toBeUndefined();
      // Released under the handle without closesocket (the descriptor table is the process's), so only
      // accept() can start the handle's count afresh when it hands the same handle out again.
      expect(posix.close((first - 0x100) / 4)).toBe(0);
      expect(await winsock.accept(s)).toBe(first);
      expect(await repeat(2, () => winsock.send(first, bad, -1, 0))).toBeUndefined();
    });
  });
});

describe("calls that return at once, and a send that waits", () => {
  /** Repeats `call` until an event-loop turn has run (at most 2 s); whether it ran. */
  async function turnRuns(call: () => Promise<number>): Promise<boolean> {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const start = performance.now();
    while (!turned && performance.now() - start < 2000) expect(await call()).toBe(0);
    return turned;
  }

  it("a loop of 0-byte writes or sends still lets the event loop run", async () => {
    await program(async (ctx) => {
      ctx.pace.limit = Number.POSITIVE_INFINITY;
      const { cli } = await posixPair();
      const buf = Buffer.alloc(4);
      expect(await turnRuns(() => posix.write(cli, buf, 0))).toBe(true);
      const pair = await winsockPair();
      expect(await turnRuns(() => winsock.send(pair.cli, buf, 0, 0))).toBe(true);
    });
  });

  it("a send or write that waits until the peer reads returns its count and traces it", async () => {
    let release = () => {};
    const go = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The peer reads nothing until both calls are under way, and 16 MiB is more than the kernel's buffers
    // take from a connection whose reader is idle (a few MiB on loopback), so each call has to wait for it.
    const sink = await listenLocal((socket) => void go.then(() => socket.resume()));
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61);
    const { result, trace } = await program(async () => {
      expect(winsock.WSAStartup(MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const s = winsock.socket(PF_INET, SOCK_STREAM, 0);
      expect(await winsock.connect(s, addr(sink.port))).toBe(0);
      const fd = posix.socket(PF_INET, SOCK_STREAM, 0);
      expect(await posix.connect(fd, addr(sink.port))).toBe(0);
      const sending = winsock.send(s, big, big.length, 0);
      const writing = posix.write(fd, big, big.length);
      release();
      const sent = await withDeadline(sending, "the 16 MiB send");
      const wrote = await withDeadline(writing, "the 16 MiB write");
      return { fd, s, wrote, sent };
    });
    expect(result.sent).toBe(big.length);
    expect(result.wrote).toBe(big.length);
    // The two finish in either order.
    const moved = trace.filter((e) => e.call === "write" || e.call === "send");
    expect(moved.sort((x, y) => x.call.localeCompare(y.call))).toEqual([
      { call: "send", fd: result.s, result: big.length },
      { call: "write", fd: result.fd, result: big.length },
    ]);
  });
});

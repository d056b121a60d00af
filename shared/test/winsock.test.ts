// The winsock layer call by call over real sockets, as traced experiments run one at a time in this thread.
// The WSA error texts are Windows' own, in English whatever the learner's language, so no language is pinned.
import { describe, expect, it } from "vitest";

import type { ErrnoName } from "../src/internal/errno.ts";
import { E } from "../src/posix/index.ts";
import { connectLocal, listenLocal, refusedPort, traced } from "../src/testing/index.ts";
import { fromErrno } from "../src/winsock/errors.ts";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  connect,
  htons,
  inet_addr,
  INVALID_SOCKET,
  lastError,
  listen,
  MAKEWORD,
  openSockets,
  PF_INET,
  recv,
  send,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  SOCKET_ERROR,
  WSA,
  WSACleanup,
  WSADATA,
  WSAE,
  WSAGetLastError,
  WSAStartup,
} from "../src/winsock/index.ts";

function addr(host: string, port: number) {
  const a = sockaddr_in();
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = inet_addr(host);
  a.sin_port = htons(port);
  return a;
}

describe("WSAStartup / WSACleanup", () => {
  it("has the real WSA error numbers", () => {
    expect(WSAE).toMatchObject({
      WSANOTINITIALISED: 10093,
      WSAEADDRINUSE: 10048,
      WSAECONNREFUSED: 10061,
      WSAECONNRESET: 10054,
      WSAENOTSOCK: 10038,
      WSAEINVAL: 10022,
      WSAEFAULT: 10014,
    });
    expect(MAKEWORD(2, 2)).toBe(0x0202);
  });

  it("each errno becomes the WSA error of the same name, but for the three Windows names otherwise", () => {
    const mapped = Object.fromEntries(Object.keys(E).map((errno) => [errno, fromErrno(errno as ErrnoName)]));
    expect(mapped).toEqual({
      EPERM: undefined,
      EINTR: "WSAEINTR",
      EIO: undefined,
      EBADF: "WSAENOTSOCK",
      EAGAIN: "WSAEWOULDBLOCK",
      EACCES: "WSAEACCES",
      EFAULT: "WSAEFAULT",
      EINVAL: "WSAEINVAL",
      EMFILE: "WSAEMFILE",
      EPIPE: "WSAECONNRESET",
      ENOTSOCK: "WSAENOTSOCK",
      EPROTONOSUPPORT: "WSAEPROTONOSUPPORT",
      ESOCKTNOSUPPORT: "WSAESOCKTNOSUPPORT",
      EOPNOTSUPP: "WSAEOPNOTSUPP",
      EAFNOSUPPORT: "WSAEAFNOSUPPORT",
      EADDRINUSE: "WSAEADDRINUSE",
      EADDRNOTAVAIL: "WSAEADDRNOTAVAIL",
      ENETUNREACH: "WSAENETUNREACH",
      ECONNABORTED: "WSAECONNABORTED",
      ECONNRESET: "WSAECONNRESET",
      EISCONN: "WSAEISCONN",
      ENOTCONN: "WSAENOTCONN",
      ETIMEDOUT: "WSAETIMEDOUT",
      ECONNREFUSED: "WSAECONNREFUSED",
      EHOSTUNREACH: "WSAEHOSTUNREACH",
      EALREADY: "WSAEALREADY",
    });
    for (const wsa of Object.values(mapped)) if (wsa) expect(Object.hasOwn(WSA, wsa), wsa).toBe(true);
  });

  it("every call before WSAStartup fails with WSANOTINITIALISED", async () => {
    await traced(async () => {
      expect(socket(PF_INET, SOCK_STREAM, 0)).toBe(INVALID_SOCKET);
      expect(WSAGetLastError()).toBe(10093);
      expect(await bind(0x104, addr("127.0.0.1", 0))).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(WSAE.WSANOTINITIALISED);
      expect(closesocket(0x104)).toBe(SOCKET_ERROR);
      expect(WSACleanup()).toBe(SOCKET_ERROR);
    });
  });

  it("fills WSADATA, negotiates the version, and counts startups", async () => {
    await traced(async () => {
      const data = WSADATA();
      expect(WSAStartup(MAKEWORD(2, 2), data)).toBe(0);
      expect(data.wVersion).toBe(0x0202);
      expect(data.szSystemStatus).toBe("Running");
      const newer = WSADATA();
      expect(WSAStartup(MAKEWORD(3, 0), newer)).toBe(0);
      expect(newer.wVersion).toBe(0x0202);
      expect(WSAStartup(MAKEWORD(1, 0), WSADATA())).toBe(WSAE.WSAVERNOTSUPPORTED);
      expect(WSACleanup()).toBe(0);
      const s = socket(PF_INET, SOCK_STREAM, 0);
      expect(s).not.toBe(INVALID_SOCKET);
      expect(closesocket(s)).toBe(0);
      expect(WSACleanup()).toBe(0);
      expect(socket(PF_INET, SOCK_STREAM, 0)).toBe(INVALID_SOCKET);
      expect(WSAGetLastError()).toBe(WSAE.WSANOTINITIALISED);
    });
  });
});

describe("Winsock calls over real sockets", () => {
  it("SOCKET handles look like Windows' and unknown handles are WSAENOTSOCK", async () => {
    await traced(async () => {
      WSAStartup(MAKEWORD(2, 2), WSADATA());
      const s = socket(PF_INET, SOCK_STREAM, 0);
      expect(s % 4).toBe(0);
      expect(s).toBeGreaterThanOrEqual(0x100);
      expect(openSockets()).toEqual([s]);
      expect(closesocket(s + 4)).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(WSAE.WSAENOTSOCK);
      expect(closesocket(s)).toBe(0);
      expect(closesocket(s)).toBe(SOCKET_ERROR);
      WSACleanup();
    });
  });

  it("bind on a port in use: SOCKET_ERROR and WSAEADDRINUSE (10048)", async () => {
    const taken = await listenLocal();
    await traced(async () => {
      WSAStartup(MAKEWORD(2, 2), WSADATA());
      const s = socket(PF_INET, SOCK_STREAM, 0);
      expect(await bind(s, addr("127.0.0.1", taken.port))).toBe(SOCKET_ERROR);
      expect(lastError()).toMatchObject({ name: "WSAEADDRINUSE", errno: 10048, style: "winsock" });
      closesocket(s);
      WSACleanup();
    });
  });

  it("connect refused: WSAECONNREFUSED (10061)", async () => {
    // Bound but never listening (listening then closing races with other workers for the port).
    const gone = { port: await refusedPort() };
    await traced(async () => {
      WSAStartup(MAKEWORD(2, 2), WSADATA());
      const s = socket(PF_INET, SOCK_STREAM, 0);
      expect(await connect(s, addr("127.0.0.1", gone.port))).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(10061);
      closesocket(s);
      WSACleanup();
    });
  });

  it("send/recv move bytes; recv is 0 on a graceful close and SOCKET_ERROR/WSAECONNRESET on a reset", async () => {
    const { trace } = await traced(async () => {
      WSAStartup(MAKEWORD(2, 2), WSADATA());
      const server = socket(PF_INET, SOCK_STREAM, 0);
      await bind(server, addr("127.0.0.1", 0));
      expect(await listen(server, 5)).toBe(0);
      const me = sockaddr_in();
      const { getsockname, ntohs } = await import("../src/winsock/index.ts");
      getsockname(server, me);
      const port = ntohs(me.sin_port);
      expect(port).toBeGreaterThan(0);

      const polite = await connectLocal(port);
      const a = await accept(server);
      await polite.send("안녕");
      const buf = Buffer.alloc(16);
      const n = await recv(a, buf, 16, 0);
      expect(buf.toString("utf8", 0, n)).toBe("안녕");
      expect(n).toBe(6);
      expect(await send(a, buf, n, 0)).toBe(6);
      expect((await polite.waitForBytes(6)).toString()).toBe("안녕");
      polite.end();
      expect(await recv(a, buf, 16, 0)).toBe(0);
      closesocket(a);

      const rude = await connectLocal(port);
      const b = await accept(server);
      rude.reset();
      expect(await recv(b, buf, 16, 0)).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(WSAE.WSAECONNRESET);
      expect(await recv(b, buf, 99, 0)).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(WSAE.WSAEFAULT);
      expect(await send(b, buf, 1, 1)).toBe(SOCKET_ERROR);
      expect(WSAGetLastError()).toBe(WSAE.WSAEOPNOTSUPP);
      closesocket(b);

      const waiting = accept(server);
      closesocket(server);
      expect(await waiting).toBe(INVALID_SOCKET);
      expect(WSAGetLastError()).toBe(WSAE.WSAEINTR);
      WSACleanup();
    });
    // getsockname's trace says what it returned: the port listen() reported.
    const listened = trace.find((e) => e.call === "listen")?.detail;
    expect(trace.find((e) => e.call === "getsockname")?.detail).toEqual({
      host: "127.0.0.1",
      port: listened?.port,
    });
  });
});

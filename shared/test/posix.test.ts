// The posix layer call by call over real sockets, as traced experiments run one at a time in this thread.
// strerror()'s texts are C's, in English whatever the learner's language, so no language is pinned.
import { once } from "node:events";
import net from "node:net";

import { describe, expect, it } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import { addressFromHost, NotANumber } from "../src/posix/byte-order.ts";
import {
  accept,
  AF_INET,
  bind,
  close,
  connect,
  E,
  errno,
  errnoName,
  getpeername,
  getsockname,
  htonl,
  htons,
  INADDR_ANY,
  INADDR_NONE,
  inet_addr,
  inet_ntoa,
  lastError,
  listen,
  ntohl,
  ntohs,
  PF_INET,
  read,
  SHUT_WR,
  shutdown,
  SOCK_DGRAM,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  strerror,
  write,
} from "../src/posix/index.ts";
import {
  connectLocal,
  expectAllClosed,
  expectCallOrder,
  listenLocal,
  refusedPort,
  traced,
} from "../src/testing/index.ts";
import { thrownBy } from "./helpers.ts";

function addr(host: string, port: number): sockaddr_in {
  const a = sockaddr_in();
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = inet_addr(host);
  a.sin_port = htons(port);
  return a;
}

/** socket + bind(127.0.0.1:0) + listen, returning the descriptor and the port the OS chose. */
async function server(): Promise<{ fd: number; port: number }> {
  const fd = socket(PF_INET, SOCK_STREAM, 0);
  expect(await bind(fd, addr("127.0.0.1", 0))).toBe(0);
  expect(await listen(fd, 5)).toBe(0);
  const me = sockaddr_in();
  getsockname(fd, me);
  return { fd, port: ntohs(me.sin_port) };
}

describe("byte order and addresses (as C on a little-endian machine)", () => {
  it("htons/htonl swap bytes; ntohs undoes htons", () => {
    expect(htons(9190)).toBe(0xe623);
    expect(ntohs(htons(9190))).toBe(9190);
    expect(htonl(0x7f000001)).toBe(0x0100007f);
    expect(htonl(INADDR_ANY)).toBe(0);
  });

  it("a port or address still a string (argv's, not converted) is named with its lesson, as C's compiler would", () => {
    useLang("en");
    try {
      const err = thrownBy(() => htons("9190" as unknown as number));
      expect(err).toBeInstanceOf(NotANumber);
      expect(err).toMatchObject({
        name: "NotANumber",
        code: "KATA_NOT_A_NUMBER",
        message: `htons() got '9190', not a number: convert it first, as C's atoi(argv[1]) does, e.g. htons(Number(port)).`,
      });
      expect((thrownBy(() => ntohs(undefined as unknown as number)) as Error).message).toMatch(
        /^ntohs\(\) got undefined,/,
      );
      expect((thrownBy(() => htonl("1" as unknown as number)) as Error).message).toMatch(
        /^htonl\(\) got '1',/,
      );
      expect((thrownBy(() => ntohl(null as unknown as number)) as Error).message).toMatch(
        /^ntohl\(\) got null,/,
      );
      useLang("ko");
      expect((thrownBy(() => htons("9190" as unknown as number)) as Error).message).toBe(
        "htons()의 인자가 숫자가 아닙니다(받은 값: '9190'). C의 atoi(argv[1])처럼 먼저 숫자로 바꾸세요. 예: htons(Number(port)).",
      );
    } finally {
      useLang(undefined);
    }
  });

  it("inet_addr gives network order and INADDR_NONE for anything malformed, without a lookup", () => {
    expect(inet_addr("127.0.0.1")).toBe(0x0100007f);
    for (const bad of [
      "999.1.1.1",
      "localhost",
      "1.2.3",
      "1.2.3.4.5",
      "",
      " 1.2.3.4",
      "1.2.3.-4",
      "a.b.c.d",
    ]) {
      expect(inet_addr(bad), bad).toBe(INADDR_NONE);
    }
    expect(inet_ntoa({ s_addr: inet_addr("10.20.30.40") })).toBe("10.20.30.40");
  });

  it("inet_addr takes 255 in every octet, and only 256 and up are out of range", () => {
    expect(inet_addr("10.0.0.255")).toBe(0xff00000a);
    expect(inet_addr("255.0.0.1")).toBe(0x010000ff);
    expect(inet_addr("10.0.0.256")).toBe(INADDR_NONE);
  });

  it("addressFromHost: a dotted quad in network order, 255.255.255.255 included; 0 for anything else", () => {
    expect(addressFromHost("127.0.0.1")).toBe(0x0100007f);
    expect(addressFromHost("255.255.255.255")).toBe(0xffffffff);
    expect(addressFromHost("::ffff:127.0.0.1")).toBe(0);
    expect(addressFromHost("::1")).toBe(0);
  });

  it("strerror and errnoName know Linux's numbers", () => {
    expect(strerror(E.EADDRINUSE)).toBe("Address already in use");
    expect(errnoName(111)).toBe("ECONNREFUSED");
    expect(strerror(4242)).toBe("Unknown error 4242");
  });
});

describe("socket()", () => {
  it("hands out the lowest free descriptor from 3, like a C process", async () => {
    const { result } = await traced(async () => {
      const a = socket(PF_INET, SOCK_STREAM, 0);
      const b = socket(PF_INET, SOCK_STREAM, 0);
      close(a);
      const c = socket(PF_INET, SOCK_STREAM, 0);
      close(b);
      close(c);
      return [a, b, c];
    });
    expect(result).toEqual([3, 4, 3]);
  });

  it("fails with -1 and errno for what it does not support", async () => {
    await traced(async () => {
      expect(socket(99, SOCK_STREAM, 0)).toBe(-1);
      expect(errnoName(errno())).toBe("EAFNOSUPPORT");
      expect(socket(PF_INET, SOCK_DGRAM, 0)).toBe(-1);
      expect(errnoName(errno())).toBe("ESOCKTNOSUPPORT");
      expect(socket(PF_INET, SOCK_STREAM, 17)).toBe(-1);
      expect(lastError().name).toBe("EPROTONOSUPPORT");
    });
  });
});

describe("the server's calls", () => {
  it("bind reports a port in use as EADDRINUSE, at bind", async () => {
    const taken = await listenLocal();
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      expect(await bind(fd, addr("127.0.0.1", taken.port))).toBe(-1);
      expect(lastError()).toEqual({ name: "EADDRINUSE", errno: 98, message: "Address already in use" });
      expect(await bind(fd, { ...addr("127.0.0.1", 0), sin_family: 99 })).toBe(-1);
      expect(lastError().name).toBe("EAFNOSUPPORT");
      close(fd);
    });
  });

  it("bind(port 0) then listen succeeds on another free port when the probed one was taken meanwhile", async () => {
    const others: net.Server[] = [];
    try {
      const { result: ports } = await traced(async () => {
        const any = socket(PF_INET, SOCK_STREAM, 0);
        const fixed = socket(PF_INET, SOCK_STREAM, 0);
        const me = sockaddr_in();
        expect(await bind(any, addr("127.0.0.1", 0))).toBe(0);
        getsockname(any, me);
        const probed = ntohs(me.sin_port);
        expect(await bind(fixed, addr("127.0.0.1", 0))).toBe(0);
        getsockname(fixed, me);
        const fixedPort = ntohs(me.sin_port);
        // Another process takes both ports between bind() and listen(), as parallel test runs can. (If one of
        // this suite's other tests took it first, it is taken all the same.)
        for (const port of [probed, fixedPort]) {
          const other = net.createServer();
          others.push(other);
          other.listen({ host: "127.0.0.1", port, exclusive: true });
          await new Promise<void>((resolve, reject) => {
            other.once("listening", resolve);
            other.once("error", (err: NodeJS.ErrnoException) =>
              err.code === "EADDRINUSE" ? resolve() : reject(err),
            );
          });
        }
        expect(await listen(any, 5)).toBe(0);
        getsockname(any, me);
        const listening = ntohs(me.sin_port);
        close(any);
        close(fixed);
        return { probed, listening };
      });
      expect(ports.listening).not.toBe(ports.probed);
      expect(ports.listening).toBeGreaterThan(0);
    } finally {
      for (const other of others) other.close();
    }
  });

  it("bind twice is EINVAL; bind of a closed descriptor is EBADF", async () => {
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      expect(await bind(fd, addr("127.0.0.1", 0))).toBe(0);
      expect(await bind(fd, addr("127.0.0.1", 0))).toBe(-1);
      expect(lastError().name).toBe("EINVAL");
      close(fd);
      expect(await bind(fd, addr("127.0.0.1", 0))).toBe(-1);
      expect(lastError().name).toBe("EBADF");
      expect(close(fd)).toBe(-1);
      expect(lastError().name).toBe("EBADF");
    });
  });

  it("a connect before listen is refused; after listen it succeeds before any accept", async () => {
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      await bind(fd, addr("127.0.0.1", 0));
      const me = sockaddr_in();
      getsockname(fd, me);
      const port = ntohs(me.sin_port);
      const early = net.connect(port, "127.0.0.1");
      const [err] = (await once(early, "error")) as [NodeJS.ErrnoException];
      expect(err.code).toBe("ECONNREFUSED");
      await listen(fd, 5);
      const client = await connectLocal(port);
      expect(client.socket.readyState).toBe("open");
      close(fd);
    });
  });

  it("accept returns waiting connections in arrival order, and their bytes waited unread", async () => {
    const { result, trace } = await traced(async () => {
      const { fd, port } = await server();
      for (const name of ["first", "second", "third"]) {
        const c = await connectLocal(port);
        await c.send(name);
      }
      const got: string[] = [];
      const buf = Buffer.alloc(64);
      for (let i = 0; i < 3; i++) {
        const peer = sockaddr_in();
        const c = await accept(fd, peer);
        expect(peer.sin_family).toBe(AF_INET);
        expect(inet_ntoa(peer.sin_addr)).toBe("127.0.0.1");
        const n = await read(c, buf, buf.length);
        got.push(buf.toString("utf8", 0, n));
        close(c);
      }
      close(fd);
      return got;
    });
    expect(result).toEqual(["first", "second", "third"]);
    expectCallOrder(trace, [
      "socket",
      "bind",
      "listen",
      "accept",
      "read",
      "close",
      "accept",
      "accept",
      "close",
    ]);
    expectAllClosed(trace);
  });

  it("listen without bind takes 0.0.0.0 and a free port, as Linux does", async () => {
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      expect(await listen(fd, 5)).toBe(0);
      const me = sockaddr_in();
      getsockname(fd, me);
      expect(inet_ntoa(me.sin_addr)).toBe("0.0.0.0");
      expect(ntohs(me.sin_port)).toBeGreaterThan(0);
      close(fd);
    });
  });

  it("accept on a socket that does not listen is EINVAL; closing the listener interrupts a waiting accept", async () => {
    await traced(async () => {
      const fresh = socket(PF_INET, SOCK_STREAM, 0);
      expect(await accept(fresh)).toBe(-1);
      expect(lastError().name).toBe("EINVAL");
      close(fresh);
      const { fd } = await server();
      const waiting = accept(fd);
      close(fd);
      expect(await waiting).toBe(-1);
      expect(lastError().name).toBe("EINTR");
    });
  });

  it("closing the listener resets connections still waiting for accept", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const c = await connectLocal(port);
      close(fd);
      await c.waitForEnd("the waiting connection to be dropped");
    });
  });
});

describe("read and write", () => {
  it("read returns at most n bytes and keeps the rest; 0 at EOF; write returns the count", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const client = await connectLocal(port);
      const c = await accept(fd);
      await client.send("hello world");
      await client.waitForBytes(0);
      const buf = Buffer.alloc(5);
      let total = "";
      while (total.length < 11) {
        const n = await read(c, buf, 5);
        expect(n).toBeGreaterThan(0);
        expect(n).toBeLessThanOrEqual(5);
        total += buf.toString("utf8", 0, n);
      }
      expect(total).toBe("hello world");
      expect(await write(c, Buffer.from("pong!"), 4)).toBe(4);
      expect((await client.waitForBytes(4)).toString()).toBe("pong");
      client.end();
      expect(await read(c, buf, 5)).toBe(0);
      close(c);
      close(fd);
    });
  });

  it("write copies the caller's buffer (C code reuses it at once)", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const client = await connectLocal(port);
      const c = await accept(fd);
      const buf = Buffer.from("AAAA");
      const sent = write(c, buf, 4);
      buf.fill("B");
      await sent;
      await write(c, buf, 4);
      expect((await client.waitForBytes(8)).toString()).toBe("AAAABBBB");
      close(c);
      close(fd);
    });
  });

  it("a peer reset makes read fail with ECONNRESET", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const client = await connectLocal(port);
      const c = await accept(fd);
      client.reset();
      const buf = Buffer.alloc(10);
      expect(await read(c, buf, 10)).toBe(-1);
      expect(lastError().name).toBe("ECONNRESET");
      close(c);
      close(fd);
    });
  });

  it("checks its arguments: EFAULT past the buffer, EINVAL for a negative count, ENOTCONN before connect", async () => {
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      expect(await read(fd, Buffer.alloc(4), 8)).toBe(-1);
      expect(lastError().name).toBe("EFAULT");
      expect(await write(fd, Buffer.alloc(4), -1)).toBe(-1);
      expect(lastError().name).toBe("EINVAL");
      expect(await read(fd, Buffer.alloc(4), 4)).toBe(-1);
      expect(lastError().name).toBe("ENOTCONN");
      expect(await read(fd, Buffer.alloc(4), 0)).toBe(-1);
      close(fd);
    });
  });

  it("write waits while the peer does not read (backpressure), then completes", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const client = await connectLocal(port);
      client.socket.pause();
      const c = await accept(fd);
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      let done = false;
      const sending = write(c, big, big.length).then((n) => {
        done = true;
        return n;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(false);
      client.socket.resume();
      expect(await sending).toBe(big.length);
      await client.waitForBytes(big.length);
      close(c);
      close(fd);
    });
  });

  it("shutdown(SHUT_WR) sends FIN but keeps reading (half-close)", async () => {
    await traced(async () => {
      const { fd, port } = await server();
      const client = await connectLocal(port);
      const c = await accept(fd);
      await write(c, Buffer.from("bye"), 3);
      expect(shutdown(c, SHUT_WR)).toBe(0);
      await client.waitForEnd();
      await client.send("still here");
      const buf = Buffer.alloc(32);
      const n = await read(c, buf, 32);
      expect(buf.toString("utf8", 0, n)).toBe("still here");
      expect(shutdown(c, 7)).toBe(-1);
      close(c);
      close(fd);
    });
  });
});

describe("the client's calls", () => {
  it("connect without bind: no local port before, an ephemeral one after", async () => {
    const target = await listenLocal();
    const { result: local, trace } = await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      const before = sockaddr_in();
      expect(getsockname(fd, before)).toBe(0);
      expect(ntohs(before.sin_port)).toBe(0);
      expect(await connect(fd, addr("127.0.0.1", target.port))).toBe(0);
      const after = sockaddr_in();
      getsockname(fd, after);
      expect(ntohs(after.sin_port)).toBeGreaterThan(0);
      const peer = sockaddr_in();
      getpeername(fd, peer);
      expect(ntohs(peer.sin_port)).toBe(target.port);
      expect(await connect(fd, addr("127.0.0.1", target.port))).toBe(-1);
      expect(lastError().name).toBe("EISCONN");
      close(fd);
      return ntohs(after.sin_port);
    });
    // The trace shows what each call saw, so a test can tell an experiment that ran from made-up numbers.
    const seen = trace.filter((e) => e.call === "getsockname" || e.call === "getpeername");
    expect(seen.map((e) => [e.call, e.detail])).toEqual([
      ["getsockname", { host: "0.0.0.0", port: 0 }],
      ["getsockname", { host: "127.0.0.1", port: local }],
      ["getpeername", { host: "127.0.0.1", port: target.port }],
    ]);
  });

  it("connect to a port nobody listens on is ECONNREFUSED", async () => {
    // Bound but never listening (listening then closing races with other workers for the port).
    const gone = { port: await refusedPort() };
    await traced(async () => {
      const fd = socket(PF_INET, SOCK_STREAM, 0);
      expect(await connect(fd, addr("127.0.0.1", gone.port))).toBe(-1);
      expect(lastError().name).toBe("ECONNREFUSED");
      expect(await connect(fd, addr("127.0.0.1", 0))).toBe(-1);
      expect(lastError().name).toBe("ECONNREFUSED");
      const peer = sockaddr_in();
      expect(getpeername(fd, peer)).toBe(-1);
      expect(lastError().name).toBe("ENOTCONN");
      close(fd);
    });
  });

  it("a program's errno is its own: each starts with none, and one's failure is not the next one's or the thread's", async () => {
    // Programs run one at a time in a thread (two at once is OneProgramPerThread, see internal.test.ts).
    const outside = errno();
    const a = await traced(async () => {
      socket(99, SOCK_STREAM, 0);
      await new Promise((resolve) => setImmediate(resolve));
      return [errno(), lastError().name];
    });
    expect(a.result).toEqual([E.EAFNOSUPPORT, "EAFNOSUPPORT"]);
    const b = await traced(async () => {
      const before = [errno(), lastError()];
      socket(PF_INET, SOCK_DGRAM, 0);
      return [...before, errno(), lastError().name];
    });
    expect(b.result).toEqual([
      0,
      { name: "0", errno: 0, message: "Success" },
      E.ESOCKTNOSUPPORT,
      "ESOCKTNOSUPPORT",
    ]);
    expect(errno()).toBe(outside);
  });
});

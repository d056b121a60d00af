// A call made without `await`, named at once (src/internal/pending.ts): a second call on a socket whose earlier
// call has not finished, or a Promise passed as a descriptor or a length, throws MissingAwait synchronously from
// bind/listen/accept/connect/read/write/send/recv. read and write may overlap (a socket is full duplex), as may
// recv and send. program() prints the lesson as one line and exits 1.
//
// The lessons are checked word for word, in English (pinned for this file in beforeAll, put back in afterAll) and in
// Korean (pinned by the tests that say so).
import net from "node:net";
import { PassThrough } from "node:stream";

import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";

import { KataError, LessonError } from "../src/cli/errors.ts";
import { program } from "../src/cli/index.ts";
import { useLang } from "../src/i18n/index.ts";
import { currentContext } from "../src/internal/context.ts";
import { BusyLoopError } from "../src/internal/pace.ts";
import { MissingAwait } from "../src/internal/pending.ts";
import { openDescriptors } from "../src/internal/sockets.ts";
import * as posix from "../src/posix/index.ts";
import { connectLocal, listenLocal, Output, type TestClient, traced } from "../src/testing/index.ts";
import * as winsock from "../src/winsock/index.ts";
import { thrownBy } from "./helpers.ts";

beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

const TAIL =
  "accept(), connect(), read() and write() (recv() and send() in Winsock), bind() and listen() return a Promise; await it where C blocks.";

/** What a second call while an earlier one runs says. */
const again = (call: string, earlier: string, fd: number) =>
  `${call}() was called on socket ${fd} while ${earlier}() on it had not finished: did you forget \`await\` before ${earlier}()? ${TAIL}`;

/** What a Promise given for an argument says. */
const promised = (call: string, what: string) =>
  `${call}() got a Promise as its ${what}: did you forget \`await\` before the call that returned it? ${TAIL}`;

/** The MissingAwait `fn` throws, synchronously, checked to be one. */
function missingAwait(fn: () => unknown): string {
  const err = thrownBy(fn);
  expect(err).toBeInstanceOf(MissingAwait);
  return (err as Error).message;
}

function addr(port: number): posix.sockaddr_in {
  const a = posix.sockaddr_in();
  a.sin_family = posix.AF_INET;
  a.sin_addr.s_addr = posix.inet_addr("127.0.0.1");
  a.sin_port = posix.htons(port);
  return a;
}

function portOf(fd: number): number {
  const me = posix.sockaddr_in();
  posix.getsockname(fd, me);
  return posix.ntohs(me.sin_port);
}

/** A posix listener, a test client connected to it, and the accepted descriptor. */
async function pair(): Promise<{ listener: number; fd: number; client: TestClient }> {
  const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
  expect(await posix.listen(listener, 5)).toBe(0);
  const client = await connectLocal(portOf(listener));
  const fd = await posix.accept(listener);
  return { listener, fd, client };
}

const pending = Promise.resolve(4) as unknown as number;

describe("MissingAwait", () => {
  it("is a lesson: a KataError with a stable code that heads its stack; a busy loop is one too", () => {
    const err = new MissingAwait("m");
    expect(err).toBeInstanceOf(LessonError);
    expect(err).toBeInstanceOf(KataError);
    expect([err.name, err.code, err.message]).toEqual(["MissingAwait", "KATA_MISSING_AWAIT", "m"]);
    expect(err.stack).toMatch(/^MissingAwait \[KATA_MISSING_AWAIT\]: m\n/);
    expect(new BusyLoopError("b")).toBeInstanceOf(LessonError);
  });
});

describe("a second call on a socket whose earlier call has not finished", () => {
  it("bind, listen, accept: each named with the call still running", async () => {
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const binding = posix.bind(fd, addr(0));
      expect(missingAwait(() => posix.bind(fd, addr(0)))).toBe(again("bind", "bind", 3));
      expect(missingAwait(() => posix.listen(fd, 5))).toBe(again("listen", "bind", 3));
      expect(await binding).toBe(0);
      const listening = posix.listen(fd, 5);
      expect(missingAwait(() => posix.accept(fd))).toBe(again("accept", "listen", 3));
      expect(await listening).toBe(0);
      const accepting = posix.accept(fd);
      expect(missingAwait(() => posix.accept(fd))).toBe(again("accept", "accept", 3));
      await connectLocal(portOf(fd));
      expect(await accepting).toBe(4);
      // Once a call has finished, the next one goes ahead.
      const next = posix.accept(fd);
      await connectLocal(portOf(fd));
      expect(await next).toBe(5);
      // Nothing is left pending once every call has finished.
      expect(currentContext().pending.size).toBe(0);
      for (const d of [3, 4, 5]) posix.close(d);
    });
  });

  it("connect, and a read while it connects", async () => {
    const target = await listenLocal();
    await traced(async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const connecting = posix.connect(fd, addr(target.port));
      expect(missingAwait(() => posix.connect(fd, addr(target.port)))).toBe(again("connect", "connect", 3));
      expect(missingAwait(() => posix.read(fd, Buffer.alloc(4), 4))).toBe(again("read", "connect", 3));
      expect(await connecting).toBe(0);
      posix.close(fd);
    });
  });

  it("read while a read waits, write while a write waits; a read and a write may overlap, on one socket only", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      const other = await pair();
      const buf = Buffer.alloc(8);
      const reading = posix.read(fd, buf, 8);
      expect(missingAwait(() => posix.read(fd, buf, 8))).toBe(again("read", "read", fd));
      // Another socket is another matter.
      const readingOther = posix.read(other.fd, Buffer.alloc(8), 8);
      // Full duplex: a write while the read waits is allowed, and so is a read while a write waits.
      expect(await posix.write(fd, Buffer.from("hi"), 2)).toBe(2);
      // The write's end leaves the read waiting: a second read is still refused.
      expect(missingAwait(() => posix.read(fd, buf, 8))).toBe(again("read", "read", fd));
      expect((await client.waitForBytes(2)).toString()).toBe("hi");
      await client.send("x");
      expect(await reading).toBe(1);
      client.socket.pause();
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const writing = posix.write(fd, big, big.length);
      expect(missingAwait(() => posix.write(fd, big, 1))).toBe(again("write", "write", fd));
      const readingAgain = posix.read(fd, buf, 8);
      client.socket.resume();
      expect(await writing).toBe(big.length);
      client.end();
      expect(await readingAgain).toBe(0);
      await other.client.send("y");
      expect(await readingOther).toBe(1);
      expect(currentContext().pending.size).toBe(0);
      for (const d of [fd, listener, other.fd, other.listener]) posix.close(d);
    });
  });

  it("a close under a read or write that has not finished (a loop without await) is named", async () => {
    await traced(async () => {
      const { listener, fd, client } = await pair();
      const reading = posix.read(fd, Buffer.alloc(8), 8);
      expect(missingAwait(() => posix.close(fd))).toBe(again("close", "read", fd));
      client.socket.pause();
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const writing = posix.write(fd, big, big.length);
      client.end();
      expect(await reading).toBe(0);
      expect(missingAwait(() => posix.close(fd))).toBe(again("close", "write", fd));
      client.socket.resume();
      expect(await writing).toBe(big.length);
      expect(posix.close(fd)).toBe(0);
      posix.close(listener);
    });
  });

  it("a listen() or connect() still running when its socket is closed ends with EBADF, leaving nothing open", async () => {
    const target = await listenLocal();
    const created = vi.spyOn(net, "createServer");
    onTestFinished(() => created.mockRestore());
    await traced(async () => {
      // close() does not wait for either (only a read or write still running is the missing-await lesson).
      const listener = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const listening = posix.listen(listener, 5);
      expect(posix.close(listener)).toBe(0);
      expect(await listening).toBe(-1);
      expect(posix.lastError().name).toBe("EBADF");
      // The server listen() made is closed at once, not when the program ends.
      expect(created.mock.results.map((r) => (r.value as net.Server).listening)).toEqual([false]);
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      const connecting = posix.connect(fd, addr(target.port));
      expect(posix.close(fd)).toBe(0);
      expect(await connecting).toBe(-1);
      expect(posix.lastError().name).toBe("EBADF");
      expect(openDescriptors()).toEqual([]);
    });
    // The target sees the connection connect() made end.
    await expect.poll(() => target.connections.length).toBe(1);
    await expect
      .poll(() => target.connections[0]?.readableEnded || target.connections[0]?.destroyed)
      .toBe(true);
  });

  it("winsock: recv while a recv waits; a recv and a send may overlap", async () => {
    await traced(async () => {
      expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const { listener, fd, client } = await pair();
      const s = 0x100 + fd * 4;
      const buf = Buffer.alloc(8);
      const receiving = winsock.recv(s, buf, 8, 0);
      expect(missingAwait(() => winsock.recv(s, buf, 8, 0))).toBe(again("recv", "recv", s));
      expect(missingAwait(() => winsock.closesocket(s))).toBe(again("closesocket", "recv", s));
      expect(await winsock.send(s, Buffer.from("ok"), 2, 0)).toBe(2);
      client.socket.pause();
      const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const sending = winsock.send(s, big, big.length, 0);
      expect(missingAwait(() => winsock.send(s, big, 1, 0))).toBe(again("send", "send", s));
      client.socket.resume();
      expect(await sending).toBe(big.length);
      client.end();
      expect(await receiving).toBe(0);
      winsock.closesocket(s);
      posix.close(listener);
      winsock.WSACleanup();
    });
  });

  it("a write or send nothing awaited is named when its socket is closed; one awaited, even later, is not", async () => {
    const never = (call: string, earlier: string, fd: number) =>
      `${call}() closes socket ${fd}, but nothing awaited the ${earlier}() before it: did you forget \`await\` before ${earlier}()? Without it the program goes on before ${earlier}() has finished (a write of more than the socket's buffer holds would be cut short), and any error of ${earlier}() goes unseen.`;
    await traced(async () => {
      const { listener, fd, client } = await pair();
      // The greeting fits in the socket's buffer: the write is done at once, and nothing else shows the mistake.
      void posix.write(fd, Buffer.from("Hello"), 5);
      expect((await client.waitForBytes(5)).toString()).toBe("Hello");
      expect(missingAwait(() => posix.close(fd))).toBe(never("close", "write", fd));
      // Awaited after other work, or through then() or Promise.all, it counts.
      const second = await pair();
      const later = posix.write(second.fd, Buffer.from("a"), 1);
      const viaThen = posix.write(second.fd, Buffer.from("b"), 1).then((n) => n);
      const viaAll = posix.write(second.fd, Buffer.from("c"), 1);
      expect(await second.client.waitForBytes(3)).toEqual(Buffer.from("abc"));
      expect(await Promise.all([later, viaThen, viaAll])).toEqual([1, 1, 1]);
      expect(posix.close(second.fd)).toBe(0);
      expect(currentContext().unawaited.size).toBe(0);
      for (const d of [listener, second.listener]) posix.close(d);
    });
    await traced(async () => {
      expect(winsock.WSAStartup(winsock.MAKEWORD(2, 2), winsock.WSADATA())).toBe(0);
      const { listener, fd, client } = await pair();
      const s = 0x100 + fd * 4;
      void winsock.send(s, Buffer.from("x"), 1, 0);
      await client.waitForBytes(1);
      expect(missingAwait(() => winsock.closesocket(s))).toBe(never("closesocket", "send", s));
      posix.close(listener);
      winsock.WSACleanup();
    });
  });

  it("in Korean, when the learner reads Korean", async () => {
    useLang("ko");
    try {
      await traced(async () => {
        const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
        const binding = posix.bind(fd, addr(0));
        expect(missingAwait(() => posix.listen(fd, 5))).toBe(
          "소켓 3에서 bind() 호출이 끝나기 전에 listen() 호출을 했습니다. bind() 호출 앞에 `await`를 빠뜨리지 않았나요? accept(), connect(), read(), write()(Winsock에서는 recv(), send()), bind(), listen()은 Promise를 반환하므로, C에서 블로킹되는 자리에서 await 하세요.",
        );
        expect(missingAwait(() => posix.read(fd, Buffer.alloc(1), pending))).toBe(
          "read() 호출의 인자 n 자리에 Promise가 전달되었습니다. 그 값을 돌려준 호출 앞에 `await`를 빠뜨리지 않았나요? accept(), connect(), read(), write()(Winsock에서는 recv(), send()), bind(), listen()은 Promise를 반환하므로, C에서 블로킹되는 자리에서 await 하세요.",
        );
        expect(await binding).toBe(0);
        posix.close(fd);
      });
    } finally {
      useLang("en");
    }
  });
});

describe("a Promise where a descriptor or a length goes", () => {
  it("posix: as the fd of bind, listen, accept, connect, read and write, and as listen's backlog or a length", async () => {
    await traced(async () => {
      const buf = Buffer.alloc(4);
      expect(missingAwait(() => posix.bind(pending, addr(0)))).toBe(promised("bind", "fd"));
      expect(missingAwait(() => posix.listen(pending, 5))).toBe(promised("listen", "fd"));
      expect(missingAwait(() => posix.listen(3, pending))).toBe(promised("listen", "backlog"));
      expect(missingAwait(() => posix.accept(pending))).toBe(promised("accept", "fd"));
      expect(missingAwait(() => posix.connect(pending, addr(1)))).toBe(promised("connect", "fd"));
      expect(missingAwait(() => posix.read(pending, buf, 4))).toBe(promised("read", "fd"));
      expect(missingAwait(() => posix.read(3, buf, pending))).toBe(promised("read", "n"));
      expect(missingAwait(() => posix.write(pending, buf, 4))).toBe(promised("write", "fd"));
      expect(missingAwait(() => posix.write(3, buf, pending))).toBe(promised("write", "n"));
    });
  });

  it("winsock: as the SOCKET of a call, and as a length", async () => {
    await traced(async () => {
      const buf = Buffer.alloc(4);
      expect(missingAwait(() => winsock.accept(pending))).toBe(promised("accept", "fd"));
      expect(missingAwait(() => winsock.listen(0x10c, pending))).toBe(promised("listen", "backlog"));
      expect(missingAwait(() => winsock.recv(pending, buf, 4, 0))).toBe(promised("recv", "fd"));
      expect(missingAwait(() => winsock.recv(0x10c, buf, pending, 0))).toBe(promised("recv", "len"));
      expect(missingAwait(() => winsock.send(0x10c, buf, pending, 0))).toBe(promised("send", "len"));
      expect(missingAwait(() => winsock.connect(pending, addr(1)))).toBe(promised("connect", "fd"));
      expect(missingAwait(() => winsock.bind(pending, addr(0)))).toBe(promised("bind", "fd"));
    });
  });

  it("a number, even 0, is no Promise; nor is an object without then()", async () => {
    await traced(async () => {
      expect(await posix.read(0, Buffer.alloc(1), 0)).toBe(-1);
      expect(posix.lastError().name).toBe("EBADF");
      expect(await posix.read({ then: 1 } as unknown as number, Buffer.alloc(1), 1)).toBe(-1);
      expect(await posix.read(null as unknown as number, Buffer.alloc(1), 1)).toBe(-1);
    });
  });
});

describe("in a program", () => {
  it("program() prints the lesson as one line, without a stack, and the program exits 1", async () => {
    const stderr = new PassThrough();
    const err = new Output(stderr);
    const main = program({ name: "forgot.ts" }, async () => {
      const fd = posix.socket(posix.PF_INET, posix.SOCK_STREAM, 0);
      void posix.bind(fd, addr(0));
      await posix.listen(fd, 5);
    });
    expect(await main([], { stdin: new PassThrough(), stdout: new PassThrough(), stderr })).toBe(1);
    expect(err.text).toBe(`${again("listen", "bind", 3)}\n`);
  });
});

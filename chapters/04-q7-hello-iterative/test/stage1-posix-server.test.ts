// Stage 1: hello-server-iterative.ts, chapter 1's Linux hello server made iterative, against the posix layer.
// What it must do:
//   - take one argument, <port>; anything else prints `Usage : hello-server-iterative.ts <port>` on stderr and exits
//     1 (a port that is no whole number from 0 to 65535 also says why, on a second line);
//   - socket → bind (every local address, INADDR_ANY, and the port in network byte order: htons) → listen (backlog
//     5); a port in use prints `bind() error: Address already in use (EADDRINUSE)` on stderr and exits 1;
//   - for every client, one after another: accept → print `Connected client N` (spelt client; N = 1, 2, 3, ... in
//     the order accept() gives them) → write exactly the 12 bytes of `Hello World!` → close(the client's socket) →
//     the next accept(). A server that goes on without close() fails as soon as it moves on, naming close(). It never
//     exits by itself (ten clients later it waits in accept() for the eleventh); clients that connect together wait
//     in the listen queue and are all served;
//   - a client that resets, half-closes or leaves before its greeting is written (its write() fails) ends only its
//     own turn: the server closes that socket and accepts the next. Only a failed accept() ends the loop;
//   - when io.signal is aborted (SIGINT or SIGTERM as a process; the test's stop() in a worker): the accept() it
//     waits in returns (the layer's rule: close() of the listening descriptor makes it return -1, EINTR), the loop
//     sees that the stop was asked for (io.signal.aborted) and ends; exit 0, exactly one `Connected client N` line
//     per client on stdout, nothing on stderr, every socket closed with close(), the listening one included, and no
//     close() refused (a socket closed twice fails with EBADF).
import {
  connectLocal,
  countCalls,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  freePort,
  listenLocal,
  type ProgramRun,
  run,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import {
  connectedLines,
  connectTo,
  expectClientClosed,
  expectStillServing,
  GREETING,
  POSIX,
  SERVER_CLOSES,
  startHelloServer,
  yourCalls,
} from "./helpers.ts";

const SERVER = program("hello-server-iterative.ts");
const STDOUT = () => t({ en: "Your server's stdout", ko: "내 서버의 stdout" });
const STDERR = () => t({ en: "Your server's stderr", ko: "내 서버의 stderr" });
const USAGE = "Usage : hello-server-iterative.ts <port>\n";
const received = (i: number) => t({ en: `What client ${i} received`, ko: `${i}번 클라이언트가 받은 것` });
/** Client n's socket closed with close() before the server went on (fails at once, naming close(), if not). */
const closed = (server: ProgramRun, n: number) => expectClientClosed(server, n, POSIX);
/** How many clients that reset on connecting the test tries before one of them makes the server's write() fail. */
const TRIES = 20;
/** What a test waits for once it has asked the server to stop, and where to look when it does not end. */
const AFTER_STOP = (how: string) =>
  t({
    en: `your server to end after ${how} (io.signal is aborted: does it close(servSock), so that the accept() it waits in returns -1, and then leave its loop?)`,
    ko: `${how} 뒤 내 서버의 종료(io.signal이 abort 됩니다. close(servSock)로 기다리던 accept()가 -1을 반환하게 하고 반복문을 빠져나오나요?)`,
  });

describe(
  t({
    en: "stage 1: hello-server-iterative.ts, the Linux listing made iterative",
    ko: "1단계: hello-server-iterative.ts, Linux 예제를 Iterative 서버로",
  }),
  () => {
    it(
      t({
        en: "greets a client on the port it was given with exactly the 12 bytes of Hello World!, prints `Connected client 1`, then closes the connection",
        ko: "받은 포트에서 클라이언트에게 Hello World! 12바이트를 정확히 보내고 `Connected client 1`을 출력한 뒤 연결을 닫는다",
      }),
      async () => {
        // A real port, not 0: a server that forgot htons() listens on the port with its two bytes swapped.
        const port = await freePort();
        const server = run(SERVER, [String(port)], { label: "your server" });
        expect(await server.port()).toBe(port);
        const c = await connectLocal(port);
        await server.waitForStdout("Connected client 1\n");
        await closed(server, 1);
        expectBytes(
          await c.waitForEnd(SERVER_CLOSES(POSIX)),
          GREETING,
          t({ en: "What the client received", ko: "클라이언트가 받은 것" }),
        );
        expectBytes(
          server.stdout.text,
          "Connected client 1\n",
          t({
            en: "Your server's stdout (spelt client, counted from 1)",
            ko: "내 서버의 stdout (client 철자, 1부터 셈)",
          }),
        );
      },
    );

    it(
      t({
        en: "calls socket → bind → listen → accept → write → close, binds every local address (INADDR_ANY) and listens with a backlog of 5",
        ko: "socket → bind → listen → accept → write → close 순서로 호출하고, 모든 로컬 주소(INADDR_ANY)에 bind 하며 backlog 5로 listen 한다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const c = await connect();
        await closed(server, 1);
        await c.waitForEnd(SERVER_CLOSES(POSIX));
        expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close"]);
        const bind = server.trace.find((e) => e.call === "bind")?.detail;
        const listen = server.trace.find((e) => e.call === "listen")?.detail;
        expect(bind, t({ en: "bind()'s address", ko: "bind()의 주소" })).toMatchObject({ host: "0.0.0.0" });
        expect(listen, t({ en: "listen()'s backlog", ko: "listen()의 backlog" })).toMatchObject({
          backlog: 5,
        });
      },
    );

    it(
      t({
        en: "reports a port in use as `bind() error: Address already in use (EADDRINUSE)` and exits 1",
        ko: "이미 쓰이는 포트는 `bind() error: Address already in use (EADDRINUSE)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const taken = await listenLocal();
        const server = run(SERVER, [String(taken.port)], { label: "your server" });
        await server.expectExit(1);
        expectBytes(server.stderr.text, "bind() error: Address already in use (EADDRINUSE)\n", STDERR());
      },
    );

    it.each([[[]], [["1", "2"]]])(
      t({
        en: "prints `Usage : hello-server-iterative.ts <port>` for the arguments %j and exits 1",
        ko: "인자를 %j처럼 주면 `Usage : hello-server-iterative.ts <port>`를 출력하고 종료 코드 1로 끝난다",
      }),
      async (args) => {
        const server = run(SERVER, args, { label: "your server" });
        await server.expectExit(1);
        expectBytes(server.stderr.text, USAGE, STDERR());
      },
    );

    it.each(["x", "65536"])(
      t({
        en: "refuses the port %j: the Usage line, then why, and exit 1",
        ko: "%j 포트는 거부한다: Usage 줄과 그 이유를 출력하고 종료 코드 1로 끝난다",
      }),
      async (port) => {
        const server = run(SERVER, [port], { label: "your server" });
        await server.expectExit(1);
        const why = `<port> must be a whole number from 0 to 65535, got ${JSON.stringify(port)}`;
        expectBytes(server.stderr.text, `${USAGE}${why}\n`, STDERR());
      },
    );

    it(
      t({
        en: "ten clients one after another each get exactly Hello World! and then the end; then it waits in accept() for more",
        ko: "차례로 온 클라이언트 열 개가 각각 정확히 Hello World!와 연결 종료를 받고, 그 뒤에도 서버는 accept()에서 다음을 기다린다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        for (let i = 1; i <= 10; i++) {
          const c = await connect();
          await closed(server, i);
          expectBytes(await c.waitForEnd(SERVER_CLOSES(POSIX)), GREETING, received(i));
        }
        await server.waitForStdout(connectedLines(10));
        // closed(server, 10) has waited until it moved on: it must be waiting for an eleventh.
        expectStillServing(server, 11);
        expectBytes(server.stdout.text, connectedLines(10), STDOUT());
      },
    );

    it(
      t({
        en: "ten clients connecting at once are all served, one at a time: accept → write → close for each",
        ko: "한꺼번에 연결한 클라이언트 열 개를 모두 하나씩 처리한다: 각각 accept → write → close",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const clients = await Promise.all(Array.from({ length: 10 }, () => connect()));
        for (const [i, c] of clients.entries()) {
          await closed(server, i + 1);
          expectBytes(await c.waitForEnd(SERVER_CLOSES(POSIX)), GREETING, received(i + 1));
        }
        await server.waitForStdout(connectedLines(10));
        expectCallOrder(server.trace, [
          "socket",
          "bind",
          "listen",
          ...Array.from({ length: 10 }, () => ["accept", "write", "close"]).flat(),
        ]);
        expectBytes(server.stdout.text, connectedLines(10), STDOUT());
      },
    );

    it(
      t({
        en: "goes on when a client leaves before its greeting is written (write() fails for that client only)",
        ko: "인사말을 write 하기 전에 떠난 클라이언트가 있어도 계속한다(write()는 그 클라이언트에게만 실패한다)",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const writeFailed = () => server.trace.some((e) => e.call === "write" && e.result === -1);
        // Each of these clients resets (RST) the moment its connection is made: its reset reaches the server
        // before the greeting does, and the server's write() to it fails. The test goes on until one write()
        // has failed (the first, nearly always; a busy machine may need a few).
        let tried = 0;
        while (!writeFailed() && tried < TRIES) {
          tried += 1;
          const early = await connect();
          early.reset();
          const n = tried;
          await server.waitUntil(
            t({
              en: `your server to write() its greeting to client ${n}`,
              ko: `내 서버가 클라이언트 ${n}에게 인사말을 write() 하는 것`,
            }),
            () => !server.running || countCalls(server.trace, "write") >= n,
          );
        }
        if (!writeFailed())
          throw new Error(
            t({
              en: `The test could not make a client leave before its greeting in ${TRIES} tries (none of your server's write() calls failed): run it again.`,
              ko: `테스트가 ${TRIES}번 시도하는 동안 인사말 전에 떠나는 클라이언트를 만들지 못했습니다(내 서버의 write()가 한 번도 실패하지 않음). 다시 실행해 보세요.`,
            }) + yourCalls(server.trace),
          );
        // Its next client must still be served (a server that exited says so here: code, connections, output).
        const next = await connect();
        await closed(server, tried + 1);
        expectBytes(
          await next.waitForEnd(SERVER_CLOSES(POSIX)),
          GREETING,
          t({ en: "What the next client received", ko: "다음 클라이언트가 받은 것" }),
        );
        await server.waitForStdout(connectedLines(tried + 1));
      },
    );

    it(
      t({
        en: "survives clients that reset or leave at once, and serves the next",
        ko: "곧바로 리셋하거나 떠나는 클라이언트가 있어도 살아남아 다음 클라이언트를 처리한다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const rude = await connect();
        rude.reset();
        const hasty = await connect();
        hasty.end();
        hasty.socket.destroy();
        await server.waitForStdout(connectedLines(2));
        await closed(server, 2);
        const polite = await connect();
        await closed(server, 3);
        expectBytes(
          await polite.waitForEnd(SERVER_CLOSES(POSIX)),
          GREETING,
          t({ en: "What the next client received", ko: "다음 클라이언트가 받은 것" }),
        );
        await server.waitForStdout(connectedLines(3));
        expectStillServing(server, 4);
      },
    );

    it(
      t({
        en: "the stop signal ends the loop: the listening socket closed once with close(), every socket closed, exit 0",
        ko: "멈춤 신호를 받으면 반복문이 끝난다: 리스닝 소켓을 close()로 한 번 닫고, 모든 소켓을 닫고, 종료 코드 0으로 끝난다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const c = await connect();
        await closed(server, 1);
        await c.waitForEnd(SERVER_CLOSES(POSIX));
        await server.waitForStdout("Connected client 1\n");
        // In a worker, stop() aborts the program's io.signal as SIGTERM does to the process.
        server.stop();
        await server.waitForExit(AFTER_STOP("stop()"));
        await server.expectExit(0);
        expectBytes(server.stdout.text, "Connected client 1\n", STDOUT());
        expectBytes(server.stderr.text, "", STDERR());
        const listener = server.trace.find((e) => e.call === "listen")?.fd;
        expect(
          server.trace.filter((e) => e.call === "close" && e.fd === listener && e.result === 0).length,
          t({
            en: "close() calls that closed the listening socket",
            ko: "리스닝 소켓을 닫은 close() 호출 횟수",
          }) + yourCalls(server.trace),
        ).toBe(1);
        expect(
          server.trace.filter((e) => e.call === "close" && e.result === -1).map((e) => `close(${e.fd})`),
          t({
            en: "close() calls refused (EBADF: a socket closed twice, or never opened)",
            ko: "거절된 close() 호출(EBADF: 두 번 닫은 소켓이나 연 적 없는 소켓)",
          }) + yourCalls(server.trace),
        ).toEqual([]);
        expectAllClosed(server.trace);
      },
    );

    it.each(["SIGTERM", "SIGINT"] as const)(
      t({
        en: "as a process: %s ends it with exit 0 and one line per client",
        ko: "프로세스로 실행할 때: %s 시그널을 받으면 클라이언트마다 한 줄씩 출력한 채 종료 코드 0으로 끝난다",
      }),
      async (signal) => {
        const server = run(SERVER, ["0"], { label: "your server", process: true });
        const port = await server.port();
        for (let i = 0; i < 3; i++) {
          await (await connectTo(server, port)).waitForEnd(SERVER_CLOSES(POSIX));
        }
        await server.waitForStdout(connectedLines(3));
        server.stop(signal);
        await server.waitForExit(AFTER_STOP(signal));
        await server.expectExit(0);
        expectBytes(server.stdout.text, connectedLines(3), STDOUT());
        expectBytes(server.stderr.text, "", STDERR());
      },
    );
  },
);

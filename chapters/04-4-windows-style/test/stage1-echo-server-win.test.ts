// Stage 1: echo-server-win.ts, 04-3's iterative echo server against Winsock's API. What it must do:
//   - take one argument, <port>; anything else prints `Usage : echo-server-win.ts <port>` on stderr and exits 1
//     (a port that is no whole number from 0 to 65535 also says why, on a second line);
//   - WSAStartup first; socket → bind (every local address, htons(port)) → listen (backlog 5); then five times:
//     accept → print `Connected client N` (N from 1) → recv and send back every byte until recv returns 0 or
//     SOCKET_ERROR → closesocket(the client's SOCKET); then closesocket(its own) → WSACleanup last; exit 0;
//   - one client at a time: the next waits in the listen queue, unanswered, until the one before has left;
//     a sixth client still waiting when it stops is turned away (closing the listening SOCKET drops the queue);
//   - every byte echoed, however TCP cuts the stream, 8 MiB too; a client that resets, leaves without a word or
//     half-closes ends only its own turn; no send() after a recv() that failed (SOCKET_ERROR is no length);
//   - it awaits each send(): it stops reading from a client that does not read its echoes, and goes on when it
//     reads again (no unbounded buffering);
//   - a port in use prints `bind() error: Only one usage of each socket address (protocol/network
//     address/port) is normally permitted. WSAEADDRINUSE (10048)` on stderr and exits 1.
import {
  connectLocal,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  expectNoWriteAfterFailedRead,
  freePort,
  listenLocal,
  pump,
  rechunkProxy,
  run,
  startServer,
  t,
  type TestClient,
  withDeadline,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import {
  connectedLines,
  expectClientClosed,
  flood,
  leave,
  roundTrip,
  waitForSendToBlock,
} from "./helpers.ts";

const SERVER = program("echo-server-win.ts");
const STDOUT = () => t({ en: "Your server's stdout", ko: "내 서버의 stdout" });
const STDERR = () => t({ en: "Your server's stderr", ko: "내 서버의 stderr" });
const USAGE = "Usage : echo-server-win.ts <port>\n";

describe(
  t({
    en: "stage 1: echo-server-win.ts, one client at a time",
    ko: "1단계: echo-server-win.ts, 한 번에 한 클라이언트",
  }),
  () => {
    it(
      t({
        en: "echoes every byte back and prints `Connected client 1`",
        ko: "받은 바이트를 모두 그대로 돌려보내고 `Connected client 1`을 출력한다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const c = await connect();
        await server.waitForStdout("Connected client 1\n");
        await roundTrip(c, "hello\n");
        await roundTrip(c, "안녕하세요");
        expectBytes(server.stdout.text, "Connected client 1\n", STDOUT());
      },
    );

    it(
      t({
        en: "listens on the port it was given (htons), on every local address (INADDR_ANY, 0.0.0.0), with a backlog of 5",
        ko: "받은 포트(htons)에서, 모든 로컬 주소(INADDR_ANY, 0.0.0.0)에 대해 backlog 5로 listen 한다",
      }),
      async () => {
        // A real port, not 0: a server that forgot htons() listens on the port with its two bytes swapped.
        const port = await freePort();
        const server = run(SERVER, [String(port)], { label: "your server" });
        expect(await server.port()).toBe(port);
        const bind = server.trace.find((e) => e.call === "bind")?.detail;
        // The port is known as listen() takes it, a moment before listen() returns.
        const listen = (await server.waitForCall("listen()", (e) => e.call === "listen")).detail;
        expect(bind, t({ en: "bind()'s address", ko: "bind()의 주소" })).toMatchObject({ host: "0.0.0.0" });
        expect(listen, t({ en: "listen()'s backlog", ko: "listen()의 backlog" })).toMatchObject({
          backlog: 5,
        });
      },
    );

    it(
      t({
        en: "serves one client at a time: the second waits, unanswered, until the first leaves",
        ko: "한 번에 한 클라이언트만 처리한다: 두 번째 클라이언트는 첫 번째가 떠날 때까지 응답 없이 기다린다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const first = await connect();
        await server.waitForStdout("Connected client 1\n");
        const second = await connect();
        // Watched for the whole of client 1's session, not looked at once: anything client 2 gets, or the
        // server prints about it, before client 1 leaves is noted the moment it happens.
        let firstLeft = false;
        const early: string[] = [];
        second.socket.on("data", (d: Buffer) => {
          if (!firstLeft)
            early.push(
              t({ en: `client 2 got ${d.length} byte(s)`, ko: `클라이언트 2가 ${d.length}바이트를 받음` }),
            );
        });
        void server.stdout.until((o) => {
          const seen = o.text.includes("Connected client 2");
          if (seen && !firstLeft)
            early.push(
              t({ en: "the server printed Connected client 2", ko: "서버가 Connected client 2를 출력함" }),
            );
          return seen;
        });
        await second.send("second");
        for (const text of ["one", "two", "three", Buffer.alloc(256 * 1024, 0x61), "four"]) {
          await roundTrip(first, text);
        }
        firstLeft = true;
        first.end();
        await server.waitForStdout(connectedLines(2));
        expectBytes(
          await second.waitForBytes(6),
          "second",
          t({ en: "What the second client got on its turn", ko: "두 번째 클라이언트가 자기 차례에 받은 것" }),
        );
        expect(
          early,
          t({
            en: "what happened for client 2 while client 1 was still being served",
            ko: "클라이언트 1을 처리하는 동안 클라이언트 2에게 일어난 일",
          }),
        ).toEqual([]);
      },
    );

    it(
      t({
        en: "serves five clients in arrival order, prints Connected client 1..5, and exits 0",
        ko: "클라이언트 다섯을 도착 순서대로 처리하고 Connected client 1..5를 출력한 뒤 종료 코드 0으로 끝난다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const clients: TestClient[] = [];
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          await c.send(`client ${i}`);
          clients.push(c);
        }
        for (const [i, c] of clients.entries()) {
          expectBytes(
            await c.waitForBytes(8),
            `client ${i + 1}`,
            t({ en: `The echo to client ${i + 1}`, ko: `클라이언트 ${i + 1}에게 돌아온 에코` }),
          );
          await leave(server, c, i + 1);
        }
        await server.expectExit(0);
        expectBytes(server.stdout.text, connectedLines(5), STDOUT());
      },
    );

    it(
      t({
        en: "turns away a sixth client still waiting when it stops after the fifth (closesocket(hServSock) drops the queue)",
        ko: "다섯 번째 뒤에 멈출 때 아직 기다리던 여섯 번째 클라이언트를 돌려보낸다(closesocket(hServSock)이 대기 큐를 비운다)",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const clients: TestClient[] = [];
        for (let i = 1; i <= 5; i++) clients.push(await connect());
        const sixth = await connect();
        await sixth.send("sixth");
        for (const [i, c] of clients.entries()) await leave(server, c, i + 1);
        await server.expectExit(0);
        // The kernel resets a connection still in the queue of a listening socket that is closed. A server that
        // leaves it open keeps the sixth client waiting for a turn that never comes.
        expectBytes(
          await sixth.waitForEnd(
            t({
              en: "the sixth client's connection to be closed once the server stopped (closesocket(hServSock))",
              ko: "서버가 멈춘 뒤 여섯 번째 클라이언트의 연결이 닫히는 것(closesocket(hServSock))",
            }),
          ),
          "",
          t({ en: "What the sixth client got", ko: "여섯 번째 클라이언트가 받은 것" }),
        );
      },
    );

    it(
      t({
        en: "goes on to the next client when one resets mid-message, and never send()s after a failed recv()",
        ko: "메시지 도중에 리셋한 클라이언트가 있어도 다음 클라이언트로 넘어가고, 실패한 recv() 뒤에 send() 하지 않는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const rude = await connect();
        await server.waitForStdout("Connected client 1\n");
        await rude.send("half a mess");
        rude.reset();
        const next = await connect();
        await server.waitForStdout(connectedLines(2));
        await roundTrip(next, "still served");
        expectNoWriteAfterFailedRead(server.trace);
      },
    );

    it(
      t({
        en: "goes on to the next client when one resets while the server waits in recv()",
        ko: "서버가 recv()에서 기다리는 동안 클라이언트가 리셋해도 다음 클라이언트로 넘어간다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const rude = await connect();
        await server.waitForStdout("Connected client 1\n");
        // Nothing sent: the reset reaches the server's recv(), which fails; no send() is involved.
        rude.reset();
        const next = await connect();
        await server.waitForStdout(connectedLines(2));
        await roundTrip(next, "still served");
        expectNoWriteAfterFailedRead(server.trace);
      },
    );

    it(
      t({
        en: "goes on when a client connects and leaves without sending anything",
        ko: "아무것도 보내지 않고 떠나는 클라이언트가 있어도 계속한다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const silent = await connect();
        await server.waitForStdout("Connected client 1\n");
        expectBytes(
          await leave(server, silent, 1),
          "",
          t({ en: "What the silent client got", ko: "말없이 떠난 클라이언트가 받은 것" }),
        );
        const next = await connect();
        await server.waitForStdout(connectedLines(2));
        await roundTrip(next, "next");
      },
    );

    it(
      t({
        en: "echoes what is left after a half-close, then closes the SOCKET with closesocket()",
        ko: "클라이언트가 half-close 한 뒤에도 남은 것을 에코하고 SOCKET을 closesocket()으로 닫는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const c = await connect();
        await server.waitForStdout("Connected client 1\n");
        await c.send("last words");
        expectBytes(
          await leave(server, c, 1),
          "last words",
          t({ en: "What came back after the client's FIN", ko: "클라이언트의 FIN 뒤에 돌아온 것" }),
        );
      },
    );

    it(
      t({
        en: "loses, duplicates and reorders nothing when TCP cuts the stream differently both ways",
        ko: "TCP가 양방향 스트림을 다르게 잘라도 잃거나 중복하거나 순서를 바꾸지 않는다",
      }),
      async () => {
        const { run: server, port } = await startServer(SERVER);
        const proxy = await rechunkProxy(port, {
          toServer: { pieceSize: 7, delayMs: 1 },
          toClient: { pieceSize: 3 },
        });
        // Thousands of 3- and 7-byte writes, each a turn of the test's event loop, which the other tests of the
        // file share: their waits get 20 s, not 5, on a busy machine (only a wrong echo reaches the deadline).
        const c = await connectLocal(proxy.port, 20_000);
        await server.waitForStdout("Connected client 1\n");
        const data = Buffer.from("0123456789 안녕하세요 abcdefghijklmnopqrstuvwxyz\n".repeat(10));
        await c.send(data.subarray(0, 400));
        await c.send(data.subarray(400));
        expectBytes(
          await c.waitForBytes(data.length),
          data,
          t({ en: "The echo through the re-chunking proxy", ko: "다시 자르는 프록시를 거쳐 돌아온 에코" }),
        );
      },
    );

    it(
      t({ en: "echoes 2 MiB (2097152 bytes) intact", ko: "2 MiB(2097152바이트)를 온전히 에코한다" }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const c = await connect();
        await server.waitForStdout("Connected client 1\n");
        // Two thousand recv()/send() rounds of 1 KiB; what exceeds the socket buffers is the 'resumes' test's.
        const big = Buffer.alloc(2 * 1024 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
        void c.send(big);
        const back = await c.waitForBytes(
          big.length,
          t({ en: `the echo of ${big.length} bytes`, ko: `${big.length}바이트의 에코` }),
          20_000,
        );
        expectBytes(
          back,
          big,
          t({ en: `The echo of ${big.length} bytes (2 MiB)`, ko: `${big.length}바이트(2 MiB)의 에코` }),
        );
      },
    );

    it(
      t({
        en: "stops reading from a client that sends without reading (no unbounded buffering), then serves the next",
        ko: "읽지 않고 보내기만 하는 클라이언트에게서는 더 받지 않고 멈추며(끝없는 버퍼링 없음), 그다음 클라이언트를 처리한다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const hog = await connect();
        await server.waitForStdout("Connected client 1\n");
        hog.socket.pause();
        const total = 64 * 1024 * 1024;
        flood(hog, total);
        await waitForSendToBlock(server, hog, total);
        expect(
          hog.socket.writableLength,
          t({ en: "bytes still queued on the client", ko: "클라이언트에 아직 쌓여 있는 바이트" }),
        ).toBeGreaterThan(0);
        hog.reset();
        const next = await connect();
        await server.waitForStdout(connectedLines(2));
        await roundTrip(next, "after the flood");
      },
    );

    it(
      t({
        en: "resumes when a client that sent without reading starts reading, and echoes every byte",
        ko: "읽지 않고 보내던 클라이언트가 읽기 시작하면 다시 진행해 모든 바이트를 에코한다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const slow = await connect();
        await server.waitForStdout("Connected client 1\n");
        slow.socket.pause();
        // Bytes as fast as the server takes them, until it waits in send() for the client to read its echoes.
        const flooding = pump(slow, 64 * 1024 * 1024);
        await server.waitUntil(
          t({
            en: "your server to wait in send() for a client that does not read its echoes",
            ko: "에코를 읽지 않는 클라이언트 때문에 내 서버가 send()에서 기다리는 것",
          }),
          () => server.blockedIn?.call === "send",
        );
        const total = flooding.stop();
        let echoed = 0;
        slow.socket.on("data", (d: Buffer) => (echoed += d.length));
        // The server waits for its echoes to drain; once the client reads, it must go on reading and echoing.
        const all = new Promise<void>((resolve) => {
          const check = () => {
            if (echoed >= total) resolve();
          };
          slow.socket.on("data", check);
          slow.socket.once("close", resolve);
        });
        slow.socket.resume();
        await withDeadline(
          all,
          t({
            en: `the echo of all ${total} bytes after the client began to read`,
            ko: `클라이언트가 읽기 시작한 뒤 ${total}바이트 전부의 에코`,
          }),
          60_000,
          () => t({ en: `echoed so far: ${echoed} bytes`, ko: `지금까지 돌아온 에코: ${echoed}바이트` }),
        );
        expect(
          echoed,
          t({ en: "bytes echoed once the client read", ko: "클라이언트가 읽은 뒤 돌아온 바이트" }),
        ).toBe(total);
      },
      120_000,
    );

    it(
      t({
        en: "reports a port in use as `bind() error: ... WSAEADDRINUSE (10048)` and exits 1",
        ko: "이미 쓰이는 포트는 `bind() error: ... WSAEADDRINUSE (10048)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const taken = await listenLocal();
        const server = run(SERVER, [String(taken.port)], { label: "your server" });
        await server.expectExit(1);
        expectBytes(
          server.stderr.text,
          "bind() error: Only one usage of each socket address (protocol/network address/port) is normally permitted. WSAEADDRINUSE (10048)\n",
          STDERR(),
        );
      },
    );

    it.each([[[]], [["1", "2"]]])(
      t({
        en: "prints `Usage : echo-server-win.ts <port>` for the arguments %j and exits 1",
        ko: "인자를 %j처럼 주면 `Usage : echo-server-win.ts <port>`를 출력하고 종료 코드 1로 끝난다",
      }),
      async (args) => {
        const server = run(SERVER, args, { label: "your server" });
        await server.expectExit(1);
        expectBytes(server.stderr.text, USAGE, STDERR());
      },
    );

    it.each(["port", "70000"])(
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
        en: "calls WSAStartup → socket → bind → listen → (accept → closesocket) × 5 → closesocket → WSACleanup, leaving no SOCKET open",
        ko: "WSAStartup → socket → bind → listen → (accept → closesocket) × 5 → closesocket → WSACleanup 순서로 호출하고 SOCKET을 하나도 남기지 않는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          await server.waitForStdout(connectedLines(i));
          await leave(server, c, i);
        }
        await server.expectExit(0);
        expectCallOrder(server.trace, [
          "WSAStartup",
          "socket",
          "bind",
          "listen",
          ...Array.from({ length: 5 }, () => ["accept", "closesocket"]).flat(),
          "closesocket",
          "WSACleanup",
        ]);
        expectAllClosed(server.trace);
      },
    );

    it(
      t({
        en: "closes each client's SOCKET with closesocket() before it accepts the next",
        ko: "다음 클라이언트를 accept 하기 전에 클라이언트의 SOCKET을 closesocket()으로 닫는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const first = await connect();
        await server.waitForStdout("Connected client 1\n");
        await roundTrip(first, "bye");
        first.end();
        await expectClientClosed(server, 1);
      },
    );
  },
);

// Stage 3: hello-server-iterative-win.ts serves for ever, one client at a time, and counts. What it must do:
//   - for every client, one after another: accept → print `Connected client N` (N = 1, 2, 3, ... in the order
//     accept() gives them) → send the 12 bytes of `Hello World!` → closesocket(the client's SOCKET) → the next
//     accept(); it never exits by itself (ten clients later it waits in accept() for the eleventh);
//   - clients that connect together wait in the listen queue and are all served;
//   - a client that resets, half-closes or leaves before its greeting is sent (its send() fails) ends only its
//     own turn: the server closes that SOCKET and accepts the next. Only a failed accept() ends the loop.
import { countCalls, expectBytes, expectCallOrder, t } from "@tcp-katas/shared/testing";
import { SOCKET_ERROR } from "@tcp-katas/shared/winsock";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

import {
  connectedLines,
  expectClientClosed,
  expectStillServing,
  GREETING,
  SERVER_CLOSES,
  startHelloServer,
  yourCalls,
} from "./helpers.ts";

const SERVER = program("hello-server-iterative-win.ts");
const STDOUT = () => t({ en: "Your server's stdout", ko: "내 서버의 stdout" });
const received = (i: number) => t({ en: `What client ${i} received`, ko: `${i}번 클라이언트가 받은 것` });
/** How many clients that reset on connecting the test tries before one of them makes the server's send() fail. */
const TRIES = 20;

describe(
  t({
    en: "stage 3: it serves for ever, one client at a time, and counts",
    ko: "3단계: 하나씩, 끝없이, 세면서 처리하기",
  }),
  () => {
    it(
      t({
        en: "ten clients one after another each get exactly Hello World! and then the end; then it waits in accept() for more",
        ko: "차례로 온 클라이언트 열 개가 각각 정확히 Hello World!와 연결 종료를 받고, 그 뒤에도 서버는 accept()에서 다음을 기다린다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        for (let i = 1; i <= 10; i++) {
          const c = await connect();
          await expectClientClosed(server, i);
          expectBytes(await c.waitForEnd(SERVER_CLOSES()), GREETING, received(i));
        }
        await server.waitForStdout(connectedLines(10));
        // expectClientClosed(server, 10) has waited until it moved on: it must be waiting for an eleventh.
        expectStillServing(server, 11);
        expectBytes(server.stdout.text, connectedLines(10), STDOUT());
      },
    );

    it(
      t({
        en: "ten clients connecting at once are all served, one at a time: accept → send → closesocket for each",
        ko: "한꺼번에 연결한 클라이언트 열 개를 모두 하나씩 처리한다: 각각 accept → send → closesocket",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const clients = await Promise.all(Array.from({ length: 10 }, () => connect()));
        for (const [i, c] of clients.entries()) {
          await expectClientClosed(server, i + 1);
          expectBytes(await c.waitForEnd(SERVER_CLOSES()), GREETING, received(i + 1));
        }
        await server.waitForStdout(connectedLines(10));
        expectCallOrder(server.trace, [
          "WSAStartup",
          "socket",
          "bind",
          "listen",
          ...Array.from({ length: 10 }, () => ["accept", "send", "closesocket"]).flat(),
        ]);
        expectBytes(server.stdout.text, connectedLines(10), STDOUT());
      },
    );

    it(
      t({
        en: "goes on when a client leaves before its greeting is sent (send() fails for that client only)",
        ko: "인사말을 보내기 전에 떠난 클라이언트가 있어도 계속한다(send()는 그 클라이언트에게만 실패한다)",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const sendFailed = () => server.trace.some((e) => e.call === "send" && e.result === SOCKET_ERROR);
        // Each of these clients resets (RST) the moment its connection is made: its reset reaches the server
        // before the greeting does, and the server's send() to it fails. The test goes on until one send()
        // has failed (the first, nearly always; a busy machine may need a few).
        let tried = 0;
        while (!sendFailed() && tried < TRIES) {
          tried += 1;
          const early = await connect();
          early.reset();
          const n = tried;
          await server.waitUntil(
            t({
              en: `your server to send() its greeting to client ${n}`,
              ko: `내 서버가 클라이언트 ${n}에게 인사말을 send() 하는 것`,
            }),
            () => !server.running || countCalls(server.trace, "send") >= n,
          );
        }
        if (!sendFailed())
          throw new Error(
            t({
              en: `The test could not make a client leave before its greeting in ${TRIES} tries (none of your server's send() calls failed): run it again.`,
              ko: `테스트가 ${TRIES}번 시도하는 동안 인사말 전에 떠나는 클라이언트를 만들지 못했습니다(내 서버의 send()가 한 번도 실패하지 않음). 다시 실행해 보세요.`,
            }) + yourCalls(server.trace),
          );
        // Its next client must still be served (a server that exited says so here: code, connections, output).
        const next = await connect();
        await expectClientClosed(server, tried + 1);
        expectBytes(
          await next.waitForEnd(SERVER_CLOSES()),
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
        await expectClientClosed(server, 2);
        const polite = await connect();
        await expectClientClosed(server, 3);
        expectBytes(
          await polite.waitForEnd(SERVER_CLOSES()),
          GREETING,
          t({ en: "What the next client received", ko: "다음 클라이언트가 받은 것" }),
        );
        await server.waitForStdout(connectedLines(3));
        expectStillServing(server, 4);
      },
    );
  },
);

// Stage 4: Winsock's discipline, read from the call traces of both programs, on the normal way out and on an
// error path. What they must do: WSAStartup is the first call; no call is refused with WSANOTINITIALISED (made
// before WSAStartup or after WSACleanup); WSACleanup comes once per WSAStartup, as the last call, on every way
// out (the client's own ErrorHandling calls it too: the listing's client calls another program's
// error_handling); every SOCKET opened (socket(), accept()) is closed with closesocket().
import { expectAllClosed, listenLocal, refusedPort, run, startServer, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

import { connectedLines, expectDiscipline, leave, THE_CLIENT, THE_SERVER } from "./helpers.ts";

const SERVER = program("echo-server-win.ts");
const CLIENT = program("echo-client-win.ts");

describe(
  t({
    en: "stage 4: WSAStartup first, WSACleanup on every way out",
    ko: "4단계: WSAStartup은 맨 먼저, WSACleanup은 어느 경로로 끝나든 마지막에",
  }),
  () => {
    it(
      t({
        en: "the server, after five clients: WSAStartup first, WSACleanup last, every SOCKET closed",
        ko: "서버, 클라이언트 다섯 뒤: WSAStartup이 처음, WSACleanup이 마지막, 모든 SOCKET을 닫음",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          await server.waitForStdout(connectedLines(i));
          await leave(server, c, i);
        }
        await server.expectExit(0);
        expectDiscipline(server.trace, THE_SERVER);
        expectAllClosed(server.trace);
      },
    );

    it(
      t({
        en: "the server, when bind fails: WSACleanup still called, last",
        ko: "서버, bind가 실패할 때: 그래도 WSACleanup을 마지막에 호출함",
      }),
      async () => {
        const taken = await listenLocal();
        const server = run(SERVER, [String(taken.port)], { label: "your server" });
        await server.expectExit(1);
        expectDiscipline(server.trace, THE_SERVER);
      },
    );

    it(
      t({
        en: "the client, after q: WSAStartup first, WSACleanup last, its SOCKET closed",
        ko: "클라이언트, q 입력 뒤: WSAStartup이 처음, WSACleanup이 마지막, 자기 SOCKET을 닫음",
      }),
      async () => {
        const echo = await listenLocal((s) => s.pipe(s));
        const c = run(CLIENT, ["127.0.0.1", String(echo.port)], { label: "your client", stdin: "hi\nq\n" });
        await c.expectExit(0);
        expectDiscipline(c.trace, THE_CLIENT);
        expectAllClosed(c.trace);
      },
    );

    it(
      t({
        en: "the client, when connect is refused: its own error handler runs and calls WSACleanup",
        ko: "클라이언트, connect가 거부될 때: 자신의 오류 처리 함수가 실행되어 WSACleanup을 호출함",
      }),
      async () => {
        const c = run(CLIENT, ["127.0.0.1", String(await refusedPort())], {
          label: "your client",
          stdin: "",
        });
        await c.expectExit(1);
        expectDiscipline(c.trace, THE_CLIENT);
      },
    );
  },
);

// Stage 4: a clean shutdown on SIGINT/SIGTERM. What hello-server-iterative-win.ts must do when io.signal is
// aborted (SIGINT or SIGTERM as a process; the test's stop() when it runs in a worker): make the accept() it
// waits in return (closesocket(hServSock), as a Windows Ctrl-C handler would: accept() then fails with
// INVALID_SOCKET, WSAEINTR), see that the stop was asked for (io.signal.aborted), leave the loop and call
// WSACleanup last; exit 0, with exactly one `Connected client N` line per client on stdout and nothing on
// stderr. Every SOCKET it opened is closed with closesocket(), the listening one too.
import { expectAllClosed, expectBytes, run, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import {
  connectedLines,
  connectTo,
  expectClientClosed,
  expectDiscipline,
  SERVER_CLOSES,
  startHelloServer,
  THE_SERVER,
  yourCalls,
} from "./helpers.ts";

const SERVER = program("hello-server-iterative-win.ts");
const STDOUT = () => t({ en: "Your server's stdout", ko: "내 서버의 stdout" });
const STDERR = () => t({ en: "Your server's stderr", ko: "내 서버의 stderr" });
/** What a test waits for once it has asked the server to stop, and where to look when it does not end. */
const AFTER_STOP = (how: string) =>
  t({
    en: `your server to end after ${how} (io.signal is aborted: does it closesocket(hServSock), so that the accept() it waits in returns, and then leave its loop?)`,
    ko: `${how} 뒤 내 서버의 종료(io.signal이 abort 됩니다. closesocket(hServSock)으로 기다리던 accept()를 반환시키고 반복문을 빠져나오나요?)`,
  });

describe(
  t({
    en: "stage 4: a clean shutdown on SIGINT/SIGTERM",
    ko: "4단계: SIGINT/SIGTERM을 받으면 깔끔하게 종료하기",
  }),
  () => {
    it(
      t({
        en: "the stop signal closes the listening SOCKET, WSACleanup comes last, exit 0",
        ko: "멈춤 신호를 받으면 리스닝 SOCKET을 닫고, WSACleanup을 마지막에 호출하고, 종료 코드 0으로 끝난다",
      }),
      async () => {
        const { run: server, connect } = await startHelloServer(SERVER);
        const c = await connect();
        await expectClientClosed(server, 1);
        await c.waitForEnd(SERVER_CLOSES());
        await server.waitForStdout("Connected client 1\n");
        // In a worker, stop() aborts the program's io.signal as SIGTERM does to the process.
        server.stop();
        await server.waitForExit(AFTER_STOP("stop()"));
        await server.expectExit(0);
        expectBytes(server.stdout.text, "Connected client 1\n", STDOUT());
        expectBytes(server.stderr.text, "", STDERR());
        const listener = server.trace.find((e) => e.call === "listen")?.fd;
        expect(
          server.trace.some((e) => e.call === "closesocket" && e.fd === listener && e.result === 0),
          t({
            en: "the listening SOCKET is closed with closesocket()",
            ko: "리스닝 SOCKET을 closesocket()으로 닫음",
          }) + yourCalls(server.trace),
        ).toBe(true);
        expectAllClosed(server.trace);
        expectDiscipline(server.trace, THE_SERVER);
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
          await (await connectTo(server, port)).waitForEnd(SERVER_CLOSES());
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

// Stage 3: the error paths of both programs end cleanly, with Winsock's code. What they must do:
//   - echo-server-win.ts: a client that resets makes recv() return SOCKET_ERROR (WSAECONNRESET) once; that
//     ends the client's turn (no send() after it, no recv() again) and the next client is accepted;
//   - echo-client-win.ts: a server that resets after taking a line prints
//     `recv() error: An existing connection was forcibly closed by the remote host. WSAECONNRESET (10054)`,
//     and a refused connection `connect() error: No connection could be made because the target machine
//     actively refused it. WSAECONNREFUSED (10061)`, on stderr; WSACleanup is still its last call; exit 1;
//   - echo-server-win.ts on a port in use prints `bind() error: ... WSAEADDRINUSE (10048)` and exits 1.
import {
  countCalls,
  describeTrace,
  expectBytes,
  listenLocal,
  refusedPort,
  run,
  startServer,
  t,
} from "@tcp-katas/shared/testing";
import { SOCKET_ERROR } from "@tcp-katas/shared/winsock";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { connectedLines } from "./helpers.ts";

const SERVER = program("echo-server-win.ts");
const CLIENT = program("echo-client-win.ts");
const calls = (trace: Parameters<typeof describeTrace>[0]) =>
  `\n${t({ en: "Your calls", ko: "내 프로그램의 호출" })}: ${describeTrace(trace)}`;

describe(
  t({
    en: "stage 3: error paths end cleanly, with the right WSA code",
    ko: "3단계: 오류 경로도 올바른 WSA 코드와 함께 깔끔하게 끝내기",
  }),
  () => {
    it(
      t({
        en: "a client that resets: recv() gives SOCKET_ERROR (WSAECONNRESET) once, the turn ends, nothing spins",
        ko: "리셋하는 클라이언트: recv()가 SOCKET_ERROR(WSAECONNRESET)를 한 번 돌려주면 그 차례가 끝나고, 헛도는 반복이 없다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        const rude = await connect();
        await server.waitForStdout("Connected client 1\n");
        await rude.send("x");
        await rude.waitForBytes(1);
        rude.reset();
        const next = await connect();
        await server.waitForStdout(connectedLines(2));
        const failed = server.trace.filter((e) => e.call === "recv" && e.result === SOCKET_ERROR);
        expect(
          failed.map((e) => e.error),
          t({
            en: "recv() calls that failed (exactly one, WSAECONNRESET: a failed recv() ends the client's turn)",
            ko: "실패한 recv() 호출(정확히 한 번, WSAECONNRESET: 실패한 recv()는 그 클라이언트의 차례를 끝낸다)",
          }) + calls(server.trace),
        ).toEqual(["WSAECONNRESET"]);
        expect(
          countCalls(server.trace, "send"),
          t({
            en: "send() calls (one, the echo of x: none after the failed recv())",
            ko: "send() 호출 횟수(x의 에코 한 번뿐: 실패한 recv() 뒤에는 없음)",
          }) + calls(server.trace),
        ).toBe(1);
        next.end();
      },
    );

    it(
      t({
        en: "a server that resets: the client prints `recv() error: ... WSAECONNRESET (10054)`, cleans up, exits 1",
        ko: "리셋하는 서버: 클라이언트는 `recv() error: ... WSAECONNRESET (10054)`를 출력하고 정리한 뒤 종료 코드 1로 끝난다",
      }),
      async () => {
        const rude = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
        const c = run(CLIENT, ["127.0.0.1", String(rude.port)], { label: "your client", stdin: "boom\nq\n" });
        await c.expectExit(1);
        // "boom" is sent whole before the server resets (it resets on receiving it): recv() is what fails.
        expectBytes(
          c.stderr.text,
          "recv() error: An existing connection was forcibly closed by the remote host. WSAECONNRESET (10054)\n",
          t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" }),
        );
        expect(
          c.trace.at(-1)?.call,
          t({ en: "your client's last Winsock call", ko: "내 클라이언트의 마지막 Winsock 호출" }) +
            calls(c.trace),
        ).toBe("WSACleanup");
      },
    );

    it(
      t({
        en: "a refused connection: `connect() error: ... WSAECONNREFUSED (10061)`, exit 1",
        ko: "거부된 연결: `connect() error: ... WSAECONNREFUSED (10061)`, 종료 코드 1",
      }),
      async () => {
        const c = run(CLIENT, ["127.0.0.1", String(await refusedPort())], {
          label: "your client",
          stdin: "",
        });
        await c.expectExit(1);
        expectBytes(
          c.stderr.text,
          "connect() error: No connection could be made because the target machine actively refused it. WSAECONNREFUSED (10061)\n",
          t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" }),
        );
      },
    );

    it(
      t({
        en: "a port in use: `bind() error: ... WSAEADDRINUSE (10048)`, exit 1",
        ko: "이미 쓰이는 포트: `bind() error: ... WSAEADDRINUSE (10048)`, 종료 코드 1",
      }),
      async () => {
        const taken = await listenLocal();
        const server = run(SERVER, [String(taken.port)], { label: "your server" });
        await server.expectExit(1);
        expect(server.stderr.text, t({ en: "Your server's stderr", ko: "내 서버의 stderr" })).toMatch(
          /^bind\(\) error: .* WSAEADDRINUSE \(10048\)\n$/,
        );
      },
    );
  },
);

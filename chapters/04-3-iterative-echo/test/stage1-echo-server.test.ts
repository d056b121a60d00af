// Stage 1: echo-server.ts, the iterative echo server with the posix layer. What it must do:
//   - take one argument, <port>; anything else prints `Usage : echo-server.ts <port>` on stderr (and, for a port
//     that is no whole number from 0 to 65535, why, on a second line) and exits 1;
//   - socket → bind (every local address, 0.0.0.0, the port in network byte order: htons) → listen (backlog 5),
//     then five times: accept → print `Connected client N\n` (N from 1) → read and write back every byte until
//     read() returns 0 or -1 → close the client's socket; then close the listening socket and exit 0;
//   - so its whole stdout is `Connected client 1\n` … `Connected client 5\n`, each line printed as that client is
//     accepted: a client that connects while another is served waits, unanswered, for its turn;
//   - a client that resets ends only its own turn: after a read() that failed, nothing is written back on that
//     socket; a client that floods without reading makes write() wait, so the server stops reading;
//   - a port in use prints `bind() error: Address already in use (EADDRINUSE)` on stderr and exits 1.
// The tests both servers share (this one and stage 4's) are in helpers.ts, echoServerTests(), each titled with
// what it checks; the calls themselves are checked here.
import { expectAllClosed, expectCallOrder, startServer, t, type TestClient } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { closedByServer, echoServerTests } from "./helpers.ts";

describe(
  t({
    en: "stage 1: echo-server.ts, one client at a time (posix)",
    ko: "1단계: echo-server.ts, 한 번에 한 클라이언트(posix)",
  }),
  () => {
    echoServerTests("echo-server.ts", "posix");

    it(
      t({
        en: "calls socket → bind (0.0.0.0) → listen (backlog 5) → (accept → close) × 5 → close, leaving nothing open",
        ko: "socket → bind(0.0.0.0) → listen(backlog 5) → (accept → close) × 5 → close 순서로 호출하고 연 소켓을 모두 닫는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(program("echo-server.ts"));
        const clients: TestClient[] = [];
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          clients.push(c);
          c.end();
          await closedByServer(c, i, "posix");
        }
        await server.expectExit(0);
        expectCallOrder(server.trace, [
          "socket",
          "bind",
          "listen",
          ...["accept", "close", "accept", "close", "accept", "close", "accept", "close", "accept", "close"],
          "close",
        ]);
        expectAllClosed(server.trace);
        const bind = server.trace.find((e) => e.call === "bind")?.detail;
        const listen = server.trace.find((e) => e.call === "listen")?.detail;
        expect(bind, t({ en: "bind()'s address", ko: "bind()의 주소" })).toMatchObject({ host: "0.0.0.0" });
        expect(listen, t({ en: "listen()'s backlog", ko: "listen()의 backlog" })).toMatchObject({
          backlog: 5,
        });
      },
    );
  },
);

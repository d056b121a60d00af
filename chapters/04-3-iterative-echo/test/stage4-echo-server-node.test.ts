// Stage 4: echo-server-node.ts, the same iterative echo server in idiomatic node:net (no posix layer). What it
// must do is what stage 1 asked, the Node way:
//   - take one argument, <port>; anything else prints `Usage : echo-server-node.ts <port>` on stderr (and why, for
//     a port that is no whole number from 0 to 65535) and exits 1;
//   - listen on every local address and the port given; serve five clients one at a time, in arrival order,
//     printing `Connected client N\n` as each one's turn begins, so its whole stdout is `Connected client 1\n` …
//     `Connected client 5\n`; echo every byte, end each client's connection when that client is done; exit 0;
//   - keep the waiting clients waiting: Node accepts every connection itself, so their sockets stay unread
//     (pauseOnConnect) until their turn, and after the fifth client the ones still waiting are reset, as
//     close(serv_sock) drops the kernel's queue; the server is closed, nothing left listening;
//   - backpressure: when write() returns false, wait for 'drain' before reading more;
//   - a client that resets ends only its own turn;
//   - a port in use prints `listen() error: Address already in use (EADDRINUSE)` on stderr and exits 1.
// The tests both servers share (this one and stage 1's) are in helpers.ts, echoServerTests(), each titled with
// what it checks; what is particular to node:net is checked here.
import { startServer, t, type TestClient } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { closedByServer, echoServerTests } from "./helpers.ts";

describe(
  t({
    en: "stage 4: echo-server-node.ts, the same server in idiomatic node:net",
    ko: "4단계: echo-server-node.ts, 같은 서버를 node:net 방식으로",
  }),
  () => {
    echoServerTests("echo-server-node.ts", "node");

    it(
      t({
        en: "uses node:net, not the posix layer, and leaves no server listening once it returns",
        ko: "posix 계층이 아니라 node:net을 쓰고, 끝날 때 리스닝하는 서버를 남기지 않는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(program("echo-server-node.ts"));
        const clients: TestClient[] = [];
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          clients.push(c);
          c.end();
          await closedByServer(c, i, "node");
        }
        await server.expectExit(0);
        expect(
          server.trace,
          t({ en: "posix calls (use node:net here)", ko: "posix 호출(여기서는 node:net을 쓰세요)" }),
        ).toEqual([]);
        // Node names a listening server "TCPServerWrap" among the handles a thread holds.
        expect(
          server.leftOpen.filter((r) => r === "TCPServerWrap"),
          t({
            en: "Servers still listening when main() returned (call server.close())",
            ko: "main()이 끝날 때 아직 리스닝하던 서버(server.close()를 호출하세요)",
          }),
        ).toEqual([]);
      },
    );
  },
);

// Stage 2: hello-server-iterative-win.ts greets a client. What it must do:
//   - take one argument, <port>; anything else prints `Usage : hello-server-iterative-win.ts <port>` on stderr
//     and exits 1 (a port that is no whole number from 0 to 65535 also says why, on a second line);
//   - WSAStartup first (no call before it), then socket → bind (the port in network byte order: htons) → listen;
//   - for a client: accept → print `Connected client 1` (spelt client, counted from 1) → send exactly the 12
//     bytes of `Hello World!` (not one char, not a NUL more) → closesocket(the client's SOCKET);
//   - a port in use prints `bind() error: Only one usage of each socket address (protocol/network
//     address/port) is normally permitted. WSAEADDRINUSE (10048)` on stderr, calls WSACleanup last and exits 1.
import {
  connectLocal,
  expectBytes,
  expectCallOrder,
  freePort,
  listenLocal,
  run,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import {
  expectClientClosed,
  expectDiscipline,
  GREETING,
  SERVER_CLOSES,
  THE_SERVER,
  yourCalls,
} from "./helpers.ts";

const SERVER = program("hello-server-iterative-win.ts");
const STDERR = () => t({ en: "Your server's stderr", ko: "내 서버의 stderr" });
const USAGE = "Usage : hello-server-iterative-win.ts <port>\n";

describe(
  t({ en: "stage 2: the server greets a client", ko: "2단계: 서버가 클라이언트에게 인사하기" }),
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
        await expectClientClosed(server, 1);
        expectBytes(
          await c.waitForEnd(SERVER_CLOSES()),
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
        en: "calls WSAStartup first, then socket → bind → listen → accept → send → closesocket, nothing refused with WSANOTINITIALISED",
        ko: "WSAStartup을 맨 먼저 호출하고, socket → bind → listen → accept → send → closesocket 순서로 호출하며, WSANOTINITIALISED로 거절된 호출이 없다",
      }),
      async () => {
        const server = run(SERVER, ["0"], { label: "your server" });
        const c = await connectLocal(await server.port());
        await expectClientClosed(server, 1);
        await c.waitForEnd(SERVER_CLOSES());
        expect(
          server.trace[0]?.call,
          t({ en: "your server's first Winsock call", ko: "내 서버의 첫 Winsock 호출" }) +
            yourCalls(server.trace),
        ).toBe("WSAStartup");
        expect(
          server.trace.filter((e) => e.error === "WSANOTINITIALISED").map((e) => e.call),
          t({
            en: "calls refused with WSANOTINITIALISED (made before WSAStartup)",
            ko: "WSANOTINITIALISED로 거절된 호출(WSAStartup 전에 한 호출)",
          }) + yourCalls(server.trace),
        ).toEqual([]);
        expectCallOrder(server.trace, [
          "WSAStartup",
          "socket",
          "bind",
          "listen",
          "accept",
          "send",
          "closesocket",
        ]);
      },
    );

    it(
      t({
        en: "reports a port in use as `bind() error: ... WSAEADDRINUSE (10048)`, calls WSACleanup last and exits 1",
        ko: "이미 쓰이는 포트는 `bind() error: ... WSAEADDRINUSE (10048)`로 알리고, WSACleanup을 마지막에 호출한 뒤 종료 코드 1로 끝난다",
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
        expectDiscipline(server.trace, THE_SERVER);
      },
    );

    it.each([[[]], [["1", "2"]]])(
      t({
        en: "prints `Usage : hello-server-iterative-win.ts <port>` for the arguments %j and exits 1",
        ko: "인자를 %j처럼 주면 `Usage : hello-server-iterative-win.ts <port>`를 출력하고 종료 코드 1로 끝난다",
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
  },
);

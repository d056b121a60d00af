// Stage 5: hello-client-win.ts, the hello client against Winsock's API. What it must do:
//   - take two arguments, <IP> <port> (an IPv4 address: no name lookup); anything else prints
//     `Usage : hello-client-win.ts <IP> <port>` on stderr and exits 1 (a malformed value also says why);
//   - WSAStartup → socket → connect → recv until the server closes (0) → closesocket → WSACleanup;
//   - print exactly `Message from server : Hello World!` and a newline, nothing on stderr, and exit 0, however
//     TCP cut the greeting;
//   - a reset prints `recv() error: An existing connection was forcibly closed by the remote host.
//     WSAECONNRESET (10054)`, a refusal `connect() error: No connection could be made because the target
//     machine actively refused it. WSAECONNREFUSED (10061)`; WSACleanup is still the last call; exit 1;
//   - with the iterative server, as two real processes: a client gets its greeting, then another does.
import {
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  refusedPort,
  run,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { expectDiscipline, GREETING, THE_CLIENT, yourCalls } from "./helpers.ts";

const CLIENT = program("hello-client-win.ts");
const PRINTED = "Message from server : Hello World!\n";
const STDOUT = () => t({ en: "Your client's stdout", ko: "내 클라이언트의 stdout" });
const STDERR = () => t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" });
const USAGE = "Usage : hello-client-win.ts <IP> <port>\n";

/** A server that sends the greeting and closes, like the iterative server does for each client. */
const greeter = () => listenLocal((socket) => socket.end(GREETING));
const client = (port: number) => run(CLIENT, ["127.0.0.1", String(port)], { label: "your client" });

describe(t({ en: "stage 5: hello-client-win.ts", ko: "5단계: hello-client-win.ts" }), () => {
  it(
    t({
      en: "prints exactly `Message from server : Hello World!` and exits 0",
      ko: "정확히 `Message from server : Hello World!`를 출력하고 종료 코드 0으로 끝난다",
    }),
    async () => {
      const server = await greeter();
      const c = client(server.port);
      await c.expectExit(0);
      expectBytes(c.stdout.text, PRINTED, STDOUT());
      expectBytes(c.stderr.text, "", STDERR());
    },
  );

  it(
    t({
      en: "calls WSAStartup → socket → connect → recv → closesocket → WSACleanup, WSACleanup last, its SOCKET closed",
      ko: "WSAStartup → socket → connect → recv → closesocket → WSACleanup 순서로 호출하고, WSACleanup이 마지막이며, 자기 SOCKET을 닫는다",
    }),
    async () => {
      const server = await greeter();
      const c = client(server.port);
      await c.expectExit(0);
      expectCallOrder(c.trace, ["WSAStartup", "socket", "connect", "recv", "closesocket", "WSACleanup"]);
      expect(
        c.trace.filter((e) => e.call === "bind").length,
        t({ en: "bind() calls (a client needs none)", ko: "bind() 호출 횟수(클라이언트에는 필요 없음)" }) +
          yourCalls(c.trace),
      ).toBe(0);
      expectDiscipline(c.trace, THE_CLIENT);
      expectAllClosed(c.trace);
    },
  );

  it(
    t({
      en: "prints the whole greeting when it arrives in pieces (TCP keeps no message boundaries)",
      ko: "인사말이 여러 조각으로 나뉘어 와도 전체를 출력한다(TCP에는 메시지 경계가 없다)",
    }),
    async () => {
      // The cut is made, not hoped for: "World!" is sent only once the client's first recv() has returned
      // "Hello ", so one recv() cannot be enough.
      // eslint-disable-next-line prefer-const -- the server below reads it once the client has started
      let c: ReturnType<typeof client> | undefined;
      const server = await listenLocal((socket) => {
        socket.write("Hello ");
        void c
          ?.waitForCall("a recv() that returns bytes", (e) => e.call === "recv" && e.result > 0)
          .then(
            () => socket.end("World!"),
            () => socket.destroy(),
          );
      });
      c = client(server.port);
      await c.expectExit(0);
      expectBytes(c.stdout.text, PRINTED, STDOUT());
      expect(
        c.trace.filter((e) => e.call === "recv" && e.result > 0).length,
        t({ en: "recv() calls that returned bytes", ko: "바이트를 돌려준 recv() 호출 횟수" }) +
          yourCalls(c.trace),
      ).toBeGreaterThan(1);
    },
  );

  it(
    t({
      en: "reports a server that resets as `recv() error: ... WSAECONNRESET (10054)`, calls WSACleanup last, exits 1",
      ko: "리셋하는 서버는 `recv() error: ... WSAECONNRESET (10054)`로 알리고, WSACleanup을 마지막에 호출한 뒤 종료 코드 1로 끝난다",
    }),
    async () => {
      // Reset only once the client's connect() has returned: the recv() is what fails, every time.
      // eslint-disable-next-line prefer-const -- the server below reads it once the client has started
      let c: ReturnType<typeof client> | undefined;
      const rude = await listenLocal((socket) => {
        void c
          ?.waitForCall("connect()", (e) => e.call === "connect")
          .then(
            () => socket.resetAndDestroy(),
            () => socket.destroy(),
          );
      });
      c = client(rude.port);
      await c.expectExit(1);
      expectBytes(
        c.stderr.text,
        "recv() error: An existing connection was forcibly closed by the remote host. WSAECONNRESET (10054)\n",
        STDERR(),
      );
      expectDiscipline(c.trace, THE_CLIENT);
    },
  );

  it(
    t({
      en: "reports a refused connection as `connect() error: ... WSAECONNREFUSED (10061)`, calls WSACleanup last, exits 1",
      ko: "거부된 연결은 `connect() error: ... WSAECONNREFUSED (10061)`로 알리고, WSACleanup을 마지막에 호출한 뒤 종료 코드 1로 끝난다",
    }),
    async () => {
      const c = client(await refusedPort());
      await c.expectExit(1);
      expectBytes(
        c.stderr.text,
        "connect() error: No connection could be made because the target machine actively refused it. WSAECONNREFUSED (10061)\n",
        STDERR(),
      );
      expectDiscipline(c.trace, THE_CLIENT);
    },
  );

  it.each([[[]], [["127.0.0.1"]], [["127.0.0.1", "1", "2"]]])(
    t({
      en: "prints `Usage : hello-client-win.ts <IP> <port>` for the arguments %j and exits 1",
      ko: "인자를 %j처럼 주면 `Usage : hello-client-win.ts <IP> <port>`를 출력하고 종료 코드 1로 끝난다",
    }),
    async (args) => {
      const c = run(CLIENT, args, { label: "your client" });
      await c.expectExit(1);
      expectBytes(c.stderr.text, USAGE, STDERR());
    },
  );

  it.each([
    ["999.1.1.1", "1", '<IP> must be an IPv4 address such as 127.0.0.1, got "999.1.1.1"'],
    ["localhost", "1", '<IP> must be an IPv4 address such as 127.0.0.1, got "localhost"'],
  ])(
    t({
      en: "refuses %j %j at once (no name lookup): the Usage line, then why",
      ko: "%j %j 인자는 곧바로 거부한다(이름 조회 없음): Usage 줄과 그 이유",
    }),
    async (ip, port, why) => {
      const c = run(CLIENT, [ip, port], { label: "your client" });
      await c.expectExit(1);
      expectBytes(c.stderr.text, `${USAGE}${why}\n`, STDERR());
    },
  );

  it(
    t({
      en: "as processes: the client gets its greeting from the iterative server, twice; SIGTERM then ends the server with exit 0",
      ko: "프로세스로 실행할 때: 클라이언트가 Iterative 서버에게서 인사말을 두 번 받고, 그 뒤 SIGTERM을 받은 서버는 종료 코드 0으로 끝난다",
    }),
    async () => {
      const server = run(program("hello-server-iterative-win.ts"), ["0"], {
        label: "hello-server-iterative-win",
        process: true,
      });
      const port = await server.port();
      for (let i = 1; i <= 2; i++) {
        const c = run(CLIENT, ["127.0.0.1", String(port)], { label: "hello-client-win", process: true });
        await c.expectExit(0);
        expectBytes(
          c.stdout.text,
          PRINTED,
          t({
            en: `hello-client-win's stdout (client ${i})`,
            ko: `hello-client-win의 stdout (클라이언트 ${i})`,
          }),
        );
      }
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      server.stop("SIGTERM");
      await server.expectExit(0);
    },
  );
});

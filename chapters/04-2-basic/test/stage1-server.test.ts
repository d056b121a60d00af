// Stage 1: hello-server.ts, the listing's server, call for call. What it must do:
//   - take one argument, <port>; anything else prints `Usage : hello-server.ts <port>` on stderr and exits 1
//     (a port that is no whole number from 0 to 65535 also says why, on a second line);
//   - socket → bind (every local address, INADDR_ANY, and the port in network byte order: htons) → listen
//     (backlog 5) → accept → write the 12 bytes `Hello World!` → close the client's socket → close its own;
//   - print nothing on stdout, exit 0;
//   - a failed call prints the listing's label and the reason on stderr, e.g.
//     `bind() error: Address already in use (EADDRINUSE)`, and exits 1.
import {
  connectLocal,
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  freePort,
  listenLocal,
  run,
  startServer,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const SERVER = program("hello-server.ts");
const GREETING = "Hello World!";
const STDERR = t({ en: "Your server's stderr", ko: "내 서버의 stderr" });

describe(
  t({ en: "stage 1: hello-server.ts, the six steps", ko: "1단계: hello-server.ts, 여섯 단계" }),
  () => {
    it(
      t({
        en: "greets one client on the port it was given with exactly the 12 bytes of Hello World!, then exits 0",
        ko: "받은 포트에서 클라이언트 하나에게 Hello World! 12바이트를 정확히 보내고 종료 코드 0으로 끝난다",
      }),
      async () => {
        // A real port, not 0: a server that forgot htons() listens on the port with its two bytes swapped.
        const port = await freePort();
        const server = run(SERVER, [String(port)], { label: "your server" });
        expect(await server.port()).toBe(port);
        const client = await connectLocal(port);
        await server.expectSent(
          await client.waitForEnd(),
          GREETING,
          t({ en: "What the client received", ko: "클라이언트가 받은 것" }),
        );
        await server.expectExit(0);
        expectBytes(server.stdout.text, "", t({ en: "Your server's stdout", ko: "내 서버의 stdout" }));
      },
    );

    it(
      t({
        en: "calls socket → bind → listen → accept → write → close → close, and closes both sockets",
        ko: "socket → bind → listen → accept → write → close → close 순서로 호출하고 두 소켓을 모두 닫는다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        await connect();
        await server.expectExit(0);
        expectCallOrder(server.trace, ["socket", "bind", "listen", "accept", "write", "close", "close"]);
        expectAllClosed(server.trace);
      },
    );

    it(
      t({
        en: "binds every local address (INADDR_ANY, 0.0.0.0) and listens with a backlog of 5",
        ko: "모든 로컬 주소(INADDR_ANY, 0.0.0.0)에 bind 하고 backlog 5로 listen 한다",
      }),
      async () => {
        const { run: server, connect } = await startServer(SERVER);
        await connect();
        await server.expectExit(0);
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
        expectBytes(server.stderr.text, "bind() error: Address already in use (EADDRINUSE)\n", STDERR);
      },
    );

    it.each([[[]], [["9190", "extra"]]])(
      t({
        en: "prints `Usage : hello-server.ts <port>` for the arguments %j and exits 1",
        ko: "인자가 %j이면 `Usage : hello-server.ts <port>`를 출력하고 종료 코드 1로 끝난다",
      }),
      async (args) => {
        const server = run(SERVER, args, { label: "your server" });
        await server.expectExit(1);
        expectBytes(server.stderr.text, "Usage : hello-server.ts <port>\n", STDERR);
      },
    );

    it.each(["abc", "65536", "-1"])(
      t({
        en: "refuses the port %j: the Usage line, then why, and exit 1",
        ko: "포트 %j는 거부한다: Usage 줄과 그 이유를 출력하고 종료 코드 1로 끝난다",
      }),
      async (port) => {
        const server = run(SERVER, [port], { label: "your server" });
        await server.expectExit(1);
        const why = `<port> must be a whole number from 0 to 65535, got ${JSON.stringify(port)}`;
        expectBytes(server.stderr.text, `Usage : hello-server.ts <port>\n${why}\n`, STDERR);
      },
    );
  },
);

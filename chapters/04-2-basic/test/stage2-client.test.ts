// Stage 2: hello-client.ts, the listing's client. What it must do:
//   - take two arguments, <IP> <port> (an IPv4 address such as 127.0.0.1: no name lookup); anything else prints
//     `Usage : hello-client.ts <IP> <port>` on stderr and exits 1 (a malformed IP also says why on a second line);
//   - socket → connect → read until the server closes (read returns 0) → close; never bind;
//   - print exactly `Message from server : Hello World!` and a newline, and exit 0, however TCP cut the bytes;
//   - a refused connection prints `connect() error: Connection refused (ECONNREFUSED)`, a reset
//     `read() error: Connection reset by peer (ECONNRESET)`, and exits 1.
import {
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  type ProgramRun,
  refusedPort,
  run,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const CLIENT = program("hello-client.ts");
const PRINTED = "Message from server : Hello World!\n";
const STDOUT = t({ en: "Your client's stdout", ko: "내 클라이언트의 stdout" });
const STDERR = t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" });

/** A server that sends the greeting and closes, like hello-server.ts. */
const greeter = () => listenLocal((socket) => socket.end("Hello World!"));
const client = (port: number) => run(CLIENT, ["127.0.0.1", String(port)], { label: "your client" });

describe(t({ en: "stage 2: hello-client.ts, the four steps", ko: "2단계: hello-client.ts, 네 단계" }), () => {
  it(
    t({
      en: "prints exactly `Message from server : Hello World!` and exits 0",
      ko: "`Message from server : Hello World!`를 정확히 출력하고 종료 코드 0으로 끝난다",
    }),
    async () => {
      const server = await greeter();
      const c = client(server.port);
      await c.expectExit(0);
      expectBytes(c.stdout.text, PRINTED, STDOUT);
      expectBytes(c.stderr.text, "", STDERR);
    },
  );

  it(
    t({
      en: "calls socket → connect → read → close, never bind, and closes its socket",
      ko: "socket → connect → read → close 순서로 호출하고, bind는 하지 않으며, 소켓을 닫는다",
    }),
    async () => {
      const server = await greeter();
      const c = client(server.port);
      await c.expectExit(0);
      expectCallOrder(c.trace, ["socket", "connect", "read", "close"]);
      const binds = c.trace.filter((e) => e.call === "bind");
      expect(binds, t({ en: "a client needs no bind()", ko: "클라이언트에는 bind()가 필요 없다" })).toEqual(
        [],
      );
      expectAllClosed(c.trace);
    },
  );

  it(
    t({
      en: "prints the whole greeting when it arrives in pieces (TCP keeps no message boundaries)",
      ko: "인사말이 조각나 도착해도 전부 출력한다(TCP는 메시지 경계를 지키지 않는다)",
    }),
    async () => {
      // The cut is made, not hoped for: "World!" is sent only once the client's first read() has returned
      // "Hello ", so one read cannot be enough.
      // eslint-disable-next-line prefer-const -- the server below reads it once the client has started
      let c: ProgramRun | undefined;
      const server = await listenLocal((socket) => {
        socket.write("Hello ");
        void c
          ?.waitForCall("a read() that returns bytes", (e) => e.call === "read" && e.result > 0)
          .then(
            () => socket.end("World!"),
            () => socket.destroy(),
          );
      });
      c = client(server.port);
      await c.expectExit(0);
      expectBytes(c.stdout.text, PRINTED, STDOUT);
      const reads = c.trace.filter((e) => e.call === "read" && e.result > 0).length;
      expect(
        reads,
        t({ en: "read() calls that returned bytes", ko: "바이트를 돌려준 read() 호출 수" }),
      ).toBeGreaterThan(1);
    },
  );

  it(
    t({
      en: "reports a refused connection as `connect() error: Connection refused (ECONNREFUSED)` and exits 1",
      ko: "거절된 연결은 `connect() error: Connection refused (ECONNREFUSED)`로 알리고 종료 코드 1로 끝난다",
    }),
    async () => {
      const c = client(await refusedPort());
      await c.expectExit(1);
      expectBytes(c.stderr.text, "connect() error: Connection refused (ECONNREFUSED)\n", STDERR);
    },
  );

  it(
    t({
      en: "reports a server that resets as `read() error: Connection reset by peer (ECONNRESET)` and exits 1",
      ko: "서버가 연결을 리셋하면 `read() error: Connection reset by peer (ECONNRESET)`로 알리고 종료 코드 1로 끝난다",
    }),
    async () => {
      // Reset only once the client's connect() has returned: the read is what fails, every time.
      // eslint-disable-next-line prefer-const -- the server below reads it once the client has started
      let c: ProgramRun | undefined;
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
      expectBytes(c.stderr.text, "read() error: Connection reset by peer (ECONNRESET)\n", STDERR);
    },
  );

  it.each(["999.1.1.1", "localhost", "1.2.3"])(
    t({
      en: "refuses the IP %j at once (no name lookup): the Usage line, then why",
      ko: "IP %j는 바로 거부한다(이름 조회 없음): Usage 줄과 그 이유",
    }),
    async (ip) => {
      const c = run(CLIENT, [ip, "9190"], { label: "your client" });
      await c.expectExit(1);
      const why = `<IP> must be an IPv4 address such as 127.0.0.1, got ${JSON.stringify(ip)}`;
      expectBytes(c.stderr.text, `Usage : hello-client.ts <IP> <port>\n${why}\n`, STDERR);
    },
  );

  it.each([[[]], [["127.0.0.1"]], [["127.0.0.1", "1", "2"]]])(
    t({
      en: "prints `Usage : hello-client.ts <IP> <port>` for %j and exits 1",
      ko: "인자가 %j이면 `Usage : hello-client.ts <IP> <port>`를 출력하고 종료 코드 1로 끝난다",
    }),
    async (args) => {
      const c = run(CLIENT, args, { label: "your client" });
      await c.expectExit(1);
      expectBytes(c.stderr.text, "Usage : hello-client.ts <IP> <port>\n", STDERR);
    },
  );
});

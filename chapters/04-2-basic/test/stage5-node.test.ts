// Stage 5 (a bonus): the same pair the way Node programs are written, with node:net (no posix layer). What they must do
// is what stages 1 and 2 asked, with Node's own error names: hello-server-node.ts greets one client with
// `Hello World!`, closes its server and exits 0 (a port in use: `listen() error: Address already in use
// (EADDRINUSE)`); hello-client-node.ts prints `Message from server : Hello World!` (a reset:
// `read() error: ...(ECONNRESET)`, a refusal: `connect() error: Connection refused (ECONNREFUSED)`).
import { execFileSync } from "node:child_process";

import {
  connectLocal,
  expectBytes,
  listenLocal,
  refusedPort,
  run,
  startServer,
  t,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

const SERVER = program("hello-server-node.ts");
const CLIENT = program("hello-client-node.ts");
/** A client that connects and at once resets (RST, no FIN), for `node -e` with PORT in its environment. */
const RESET_ON_CONNECT = `const s = require("node:net").connect(Number(process.env.PORT), "127.0.0.1", () => s.resetAndDestroy());`;

describe(
  t({ en: "stage 5: the same pair in idiomatic node:net", ko: "5단계: 같은 한 쌍을 node:net 방식으로" }),
  () => {
    it(
      t({
        en: "hello-server-node.ts greets one client with Hello World! and exits 0, without the posix layer",
        ko: "hello-server-node.ts는 posix 계층 없이 클라이언트 하나에게 Hello World!를 보내고 종료 코드 0으로 끝난다",
      }),
      async () => {
        const { run: server, port } = await startServer(SERVER);
        const c = await connectLocal(port);
        await server.expectSent(
          await c.waitForEnd(),
          "Hello World!",
          t({ en: "What the client received", ko: "클라이언트가 받은 것" }),
        );
        await server.expectExit(0);
        expect(
          server.trace,
          t({
            en: "use node:net here, not the posix layer",
            ko: "여기서는 posix 계층이 아니라 node:net을 쓴다",
          }),
        ).toEqual([]);
      },
    );

    it(
      t({
        en: "hello-server-node.ts closes its server: nothing of it is left listening once it returns",
        ko: "hello-server-node.ts는 서버를 닫는다: 끝난 뒤에 리스닝 중인 것이 남지 않는다",
      }),
      async () => {
        const { run: server, port } = await startServer(SERVER);
        const c = await connectLocal(port);
        await server.expectSent(
          await c.waitForEnd(),
          "Hello World!",
          t({ en: "What the client received", ko: "클라이언트가 받은 것" }),
        );
        await server.expectExit(0);
        // Node names a listening server "TCPServerWrap" among the handles a thread holds.
        expect(
          server.leftOpen.filter((r) => r === "TCPServerWrap"),
          t({
            en: "servers still listening when main() returned (call server.close())",
            ko: "main()이 끝났을 때 아직 리스닝 중인 서버(server.close()를 호출하세요)",
          }),
        ).toEqual([]);
      },
    );

    it(
      t({
        en: "hello-server-node.ts reports a port in use as `listen() error: Address already in use (EADDRINUSE)` and exits 1",
        ko: "hello-server-node.ts는 이미 쓰이는 포트를 `listen() error: Address already in use (EADDRINUSE)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const taken = await listenLocal();
        const server = run(SERVER, [String(taken.port)], { label: "your server" });
        await server.expectExit(1);
        expectBytes(
          server.stderr.text,
          "listen() error: Address already in use (EADDRINUSE)\n",
          t({ en: "Your server's stderr", ko: "내 서버의 stderr" }),
        );
      },
    );

    it(
      t({
        en: "hello-server-node.ts outlives a client that reset before it was accepted: exits 0, nothing on stderr",
        ko: "hello-server-node.ts는 받기 전에 리셋한 클라이언트에도 죽지 않는다: 종료 코드 0, stderr는 비어 있다",
      }),
      async () => {
        const { run: server, port } = await startServer(SERVER);
        // The client connects and resets in a process of its own while this test waits for it: the kernel
        // completes the handshake and takes the RST whatever the server does. Its greeting then fails
        // (ECONNRESET/EPIPE) on a socket whose 'error' event must be handled: one nobody listens to crashes it.
        execFileSync(process.execPath, ["-e", RESET_ON_CONNECT], {
          env: { ...process.env, PORT: String(port) },
          timeout: 10_000,
        });
        await server.expectExit(0);
        expectBytes(server.stderr.text, "", t({ en: "Your server's stderr", ko: "내 서버의 stderr" }));
      },
    );

    it(
      t({
        en: "hello-client-node.ts prints the whole greeting, sent in two pieces, and exits 0",
        ko: "hello-client-node.ts는 두 조각으로 온 인사말 전체를 출력하고 종료 코드 0으로 끝난다",
      }),
      async () => {
        const greeter = await listenLocal((s) => {
          s.write("Hello ");
          setImmediate(() => s.end("World!"));
        });
        const c = run(CLIENT, ["127.0.0.1", String(greeter.port)], { label: "your client" });
        await c.expectExit(0);
        expectBytes(
          c.stdout.text,
          "Message from server : Hello World!\n",
          t({ en: "Your client's stdout", ko: "내 클라이언트의 stdout" }),
        );
        expect(
          c.trace,
          t({
            en: "use node:net here, not the posix layer",
            ko: "여기서는 posix 계층이 아니라 node:net을 쓴다",
          }),
        ).toEqual([]);
      },
    );

    it(
      t({
        en: "hello-client-node.ts reports a server that resets as `read() error: ... (ECONNRESET)` and exits 1",
        ko: "hello-client-node.ts는 서버의 리셋을 `read() error: ... (ECONNRESET)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const rude = await listenLocal((s) => setTimeout(() => s.resetAndDestroy(), 50));
        const c = run(CLIENT, ["127.0.0.1", String(rude.port)], { label: "your client" });
        await c.expectExit(1);
        expect(c.stderr.text).toMatch(/^read\(\) error: .* \(ECONNRESET\)\n$/);
      },
    );

    it.each([
      ["hello-server-node.ts", "<port>", []],
      ["hello-client-node.ts", "<IP> <port>", ["127.0.0.1"]],
    ] as const)(
      t({
        en: "%s prints its Usage line for wrong arguments and exits 1",
        ko: "%s는 잘못된 인자에 Usage 줄을 출력하고 종료 코드 1로 끝난다",
      }),
      async (name, params, args) => {
        const p = run(program(name), args, { label: "your program" });
        await p.expectExit(1);
        expectBytes(
          p.stderr.text,
          `Usage : ${name} ${params}\n`,
          t({ en: "Your program's stderr", ko: "내 프로그램의 stderr" }),
        );
      },
    );

    it(
      t({
        en: "hello-client-node.ts reports a refused connection as `connect() error: Connection refused (ECONNREFUSED)` and exits 1",
        ko: "hello-client-node.ts는 거절된 연결을 `connect() error: Connection refused (ECONNREFUSED)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const c = run(CLIENT, ["127.0.0.1", String(await refusedPort())], { label: "your client" });
        await c.expectExit(1);
        expectBytes(
          c.stderr.text,
          "connect() error: Connection refused (ECONNREFUSED)\n",
          t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" }),
        );
      },
    );
  },
);

// Stage 2: echo-client-naive.ts, the chapter's echo client as its listing writes it. What it must do:
//   - take two arguments, <IP> <port>; anything else prints `Usage : echo-client-naive.ts <IP> <port>` on stderr
//     and exits 1;
//   - connect, print the banner `Connected.........\n` (nine dots), then for each line: the prompt
//     `Input message(Q to quit) : `, read a line from stdin, write its bytes, call read() ONCE and print
//     `Message from server : <what that one read() returned>\n`;
//   - stop on `q`, `Q` or the end of input (close the socket, exit 0); an empty line sends nothing and prints an
//     empty reply without reading;
//   - a server that resets prints `read() error: Connection reset by peer (ECONNRESET)` and exits 1.
// The last test shows the listing's flaw: when TCP cuts the echo in pieces, one read() prints part of it.
import { countCalls, expectBytes, listenLocal, run, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { clientTranscript } from "./helpers.ts";

const CLIENT = program("echo-client-naive.ts");
const OUT = t({ en: "Your client's stdout", ko: "내 클라이언트의 stdout" });
const ERR = t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" });

/** A plain node:net echo server. */
const echoServer = () => listenLocal((s) => s.pipe(s));
const client = (port: number, stdin: string) =>
  run(CLIENT, ["127.0.0.1", String(port)], { label: "your client", stdin });

describe(
  t({
    en: "stage 2: echo-client-naive.ts, the listing's client (one read per message)",
    ko: "2단계: echo-client-naive.ts, 예제 그대로의 클라이언트(메시지마다 read 한 번)",
  }),
  () => {
    it(
      t({
        en: "prints the chapter's transcript on a quiet loopback and exits 0",
        ko: "조용한 루프백에서 책의 실행 결과 그대로 출력하고 종료 코드 0으로 끝난다",
      }),
      async () => {
        const server = await echoServer();
        const c = client(server.port, "hello\nworld\nq\n");
        await c.expectExit(0);
        expectBytes(
          c.stdout.text,
          "Connected.........\n" +
            "Input message(Q to quit) : Message from server : hello\n" +
            "Input message(Q to quit) : Message from server : world\n" +
            "Input message(Q to quit) : ",
          OUT,
        );
        expectBytes(c.stderr.text, "", ERR);
      },
    );

    it(
      t({
        en: "reads exactly once per message, as the listing does, and closes its socket",
        ko: "예제처럼 메시지마다 read를 정확히 한 번 호출하고 소켓을 닫는다",
      }),
      async () => {
        const server = await echoServer();
        const c = client(server.port, "a\nb\nc\nq\n");
        await c.expectExit(0);
        expect(countCalls(c.trace, "read"), t({ en: "read() calls", ko: "read() 호출 수" })).toBe(3);
        expect(countCalls(c.trace, "close"), t({ en: "close() calls", ko: "close() 호출 수" })).toBe(1);
      },
    );

    it.each([
      ["a\nQ\nnot sent\n", ["a"]],
      ["x\n\ny", ["x", "", "y"]],
    ])(
      t({
        en: "quits on Q as on q and at the end of input; an empty line prints an empty reply (stdin %j)",
        ko: "q처럼 Q에서도, 입력이 끝나도 멈추고, 빈 줄에는 빈 응답을 출력한다(stdin %j)",
      }),
      async (stdin, lines) => {
        const server = await echoServer();
        const c = client(server.port, stdin);
        await c.expectExit(0);
        expectBytes(c.stdout.text, clientTranscript(lines), OUT);
      },
    );

    it(
      t({
        en: "reports a server that resets as `read() error: Connection reset by peer (ECONNRESET)` and exits 1",
        ko: "서버가 리셋하면 `read() error: Connection reset by peer (ECONNRESET)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const rude = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
        const c = client(rude.port, "boom\nq\n");
        await c.expectExit(1);
        expectBytes(c.stderr.text, "read() error: Connection reset by peer (ECONNRESET)\n", ERR);
      },
    );

    it.each([[[]], [["127.0.0.1"]], [["127.0.0.1", "9190", "extra"]]])(
      t({
        en: "prints `Usage : echo-client-naive.ts <IP> <port>` for the arguments %j and exits 1",
        ko: "인자가 %j이면 `Usage : echo-client-naive.ts <IP> <port>`를 출력하고 종료 코드 1로 끝난다",
      }),
      async (args) => {
        const c = run(CLIENT, args, { label: "your client", stdin: "" });
        await c.expectExit(1);
        expectBytes(c.stderr.text, "Usage : echo-client-naive.ts <IP> <port>\n", ERR);
      },
    );

    it(
      t({
        en: "THE FLAW, shown: when TCP cuts the echo in pieces, one read() prints half a message",
        ko: "결함 확인: TCP가 에코를 조각내면 read 한 번으로는 메시지의 일부만 출력된다",
      }),
      async () => {
        // The cut is made, not hoped for: the server echoes 4 bytes, and the rest only once the client's read()
        // has returned them. So the one read() the listing makes can only see "hell".
        const server = await listenLocal((s) => {
          s.once("data", (line: Buffer) => {
            s.write(line.subarray(0, 4));
            void c
              .waitForCall("a read() that returns bytes", (e) => e.call === "read" && e.result > 0)
              .then(
                () => s.write(line.subarray(4)),
                () => s.destroy(),
              );
          });
        });
        // The callback above runs only once this client has sent its line.
        const c = client(server.port, "hello world\nq\n");
        await c.expectExit(0);
        // This test passes when the flaw shows: the reply printed is not the line that was sent.
        expectBytes(
          c.stdout.text,
          "Connected.........\n" +
            "Input message(Q to quit) : Message from server : hell\n" +
            "Input message(Q to quit) : ",
          OUT,
        );
      },
    );
  },
);

// Stage 3: echo-client.ts, the stream-safe echo client. What it must do:
//   - take two arguments, <IP> <port> (an IPv4 address such as 127.0.0.1); anything else prints
//     `Usage : echo-client.ts <IP> <port>` on stderr (and, for a malformed value, why) and exits 1;
//   - print what the listing's client prints, byte for byte: the banner `Connected.........\n` (nine dots), then
//     for each line the prompt `Input message(Q to quit) : ` and, once the whole echo is back,
//     `Message from server : <line>\n`; after the last line, the prompt once more;
//   - read until as many bytes have come back as the line had (bytes, not characters: "안녕" is 6), however TCP
//     cuts or merges them, and read the echo while it sends, so a line larger than the socket buffers cannot stall;
//   - stop on `q`, `Q` or the end of input: close the socket, exit 0;
//   - a server that goes away mid-session prints `read() error: ...` (or `write() error: ...`) with the reason
//     (EOF, ECONNRESET or EPIPE) on stderr and exits 1; a refused connection prints
//     `connect() error: Connection refused (ECONNREFUSED)` and exits 1;
//   - calls socket → connect → (write, read …) → close, and closes its socket.
import {
  expectAllClosed,
  expectBytes,
  expectCallOrder,
  listenLocal,
  type ProgressWatch,
  rechunkProxy,
  refusedPort,
  run,
  t,
  type TraceEvent,
  watchProgress,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { answered, BANNER, clientTranscript, PROMPT } from "./helpers.ts";

const CLIENT = program("echo-client.ts");
const OUT = t({ en: "Your client's stdout", ko: "내 클라이언트의 stdout" });
const ERR = t({ en: "Your client's stderr", ko: "내 클라이언트의 stderr" });
/** What a client prints when the server goes away: the call that noticed, and why. */
const SERVER_GONE = /^(read|write)\(\) error: .*\((EOF|ECONNRESET|EPIPE)\)\n$/;

/** A plain node:net echo server: the reference the client is tested against. */
const echoServer = () => listenLocal((s) => s.pipe(s));
const client = (port: number, stdin?: string) =>
  run(CLIENT, ["127.0.0.1", String(port)], {
    label: "your client",
    ...(stdin === undefined ? {} : { stdin }),
  });

/**
 * More than a client's and a server's socket buffers hold together: on Linux loopback a client that does not read
 * its echo stalls once about 9 MiB have left it (the server took some 4 MiB of them), measured with this kernel's
 * defaults, so 24 MiB leaves more than twice that.
 */
const LONG_LINE_BYTES = 24 * 1024 * 1024;

/**
 * A line of exactly `bytes` bytes, no newline. ASCII: the Korean of the 1-byte-pieces test already proves that a
 * reply cut inside a character is printed whole, and 24 MiB of Korean would cost the program three times the CPU to
 * encode and decode.
 */
function longLine(bytes: number): Buffer {
  const unit = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,");
  const line = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += unit.length) unit.copy(line, at);
  return line;
}

/** An echo server that honours backpressure (pipe) and counts what it took. */
async function countingEchoServer() {
  const progress = { taken: 0 };
  const server = await listenLocal((s) => {
    s.on("data", (d: Buffer) => (progress.taken += d.length));
    s.pipe(s);
  });
  return { port: server.port, progress };
}

/**
 * Fails once the echo has made no progress for 5 s, with what happened: the server took part of the line and
 * echoed it, the client did not read that echo, so the server stopped reading, and the client's write() waits for
 * ever. A correct client progresses all the time (each of its read() calls is seen in its trace as it returns), so
 * this is no race against a clock.
 */
function stallWatch(progress: { taken: number }, trace: readonly TraceEvent[], total: number): ProgressWatch {
  let counted = 0;
  let readBack = 0;
  const moved = () => {
    for (; counted < trace.length; counted++) {
      const e = trace[counted];
      if (e?.call === "read" && e.result > 0) readBack += e.result;
    }
    return progress.taken + readBack;
  };
  return watchProgress(
    moved,
    5_000,
    () =>
      new Error(
        t({
          en:
            `Your client stalled while sending a long line (${total} bytes): the server took ${progress.taken} bytes of it and echoed them, but your client read only ${readBack} bytes of the echo meanwhile. ` +
            "It did not read the echo while sending, so both sides' socket buffers filled and each side now waits for the other. " +
            "Start the write, read the echo while it runs, and only then await the write.",
          ko:
            `긴 줄(${total}바이트)을 보내는 중에 클라이언트가 멈췄습니다. 서버는 그중 ${progress.taken}바이트를 받아 에코했는데, 그동안 클라이언트는 에코를 ${readBack}바이트만 읽었습니다. ` +
            "보내는 동안 에코를 읽지 않아 양쪽 소켓 버퍼가 가득 찼고, 이제 서로 상대를 기다립니다. " +
            "write를 시작해 두고, 그 write가 진행되는 동안 에코를 읽은 뒤에야 write를 await 하세요.",
        }),
      ),
  );
}

describe(
  t({ en: "stage 3: echo-client.ts, stream-safe", ko: "3단계: echo-client.ts, 스트림에 안전하게" }),
  () => {
    it(
      t({
        en: "prints, for a piped session, byte for byte what the chapter's client prints, and exits 0",
        ko: "파이프로 받은 입력에 대해 책의 클라이언트와 바이트 단위로 똑같이 출력하고 종료 코드 0으로 끝난다",
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
        en: "quits on Q as on q, and ends cleanly at the end of input",
        ko: "q처럼 Q에서도 멈추고, 입력이 끝나면 깔끔하게 끝난다",
      }),
      async () => {
        const server = await echoServer();
        const upper = client(server.port, "a\nQ\nnot sent\n");
        await upper.expectExit(0);
        expectBytes(upper.stdout.text, clientTranscript(["a"]), OUT);
        const eof = client(server.port, "x\ny");
        await eof.expectExit(0);
        expectBytes(eof.stdout.text, clientTranscript(["x", "y"]), OUT);
      },
    );

    it(
      t({
        en: "answers line by line, prompting before each line",
        ko: "줄마다 응답하고, 줄을 읽기 전마다 프롬프트를 출력한다",
      }),
      async () => {
        const server = await echoServer();
        const c = client(server.port);
        await c.waitForStdout(BANNER + PROMPT);
        c.write("first\n");
        await c.waitForStdout(BANNER + PROMPT + answered("first"));
        c.write("second\n");
        await c.waitForStdout(BANNER + PROMPT + answered("first") + answered("second"));
        c.write("q\n");
        await c.expectExit(0);
        expectBytes(c.stdout.text, clientTranscript(["first", "second"]), OUT);
      },
    );

    it(
      t({
        en: "prints each reply whole when TCP cuts it into 1-byte pieces (empty lines and Korean too)",
        ko: "TCP가 응답을 1바이트 조각으로 잘라도(빈 줄과 한글도) 응답을 온전히 출력한다",
      }),
      async () => {
        const server = await echoServer();
        const proxy = await rechunkProxy(server.port, {
          toClient: { pieceSize: 1, delayMs: 1 },
          toServer: { pieceSize: 2 },
        });
        const lines = ["hello world", "", "안녕하세요, 소켓", "x", "tabs\tand spaces  "];
        const c = client(proxy.port, `${lines.join("\n")}\nq\n`);
        await c.expectExit(0);
        expectBytes(c.stdout.text, clientTranscript(lines), OUT);
      },
    );

    it(
      t({
        en: "does not mistake two replies merged into one read for one (the server's writes merged)",
        ko: "두 응답이 read 한 번에 합쳐져 와도(서버의 write가 합쳐져도) 하나로 착각하지 않는다",
      }),
      async () => {
        const server = await echoServer();
        const proxy = await rechunkProxy(server.port, { toClient: { mergeMs: 5 } });
        const c = client(proxy.port, "abc\ndef\nq\n");
        await c.expectExit(0);
        expectBytes(c.stdout.text, clientTranscript(["abc", "def"]), OUT);
      },
    );

    it(
      t({
        en: `echoes a ${LONG_LINE_BYTES}-byte line (24 MiB, more than both sides' socket buffers hold), reading the echo while it sends`,
        ko: `${LONG_LINE_BYTES}바이트(24 MiB, 양쪽 소켓 버퍼를 합친 것보다 큼)짜리 줄을 보내는 동안 에코를 읽어 온전히 출력한다`,
      }),
      async () => {
        const server = await countingEchoServer();
        const line = longLine(LONG_LINE_BYTES);
        const c = client(server.port);
        c.write(Buffer.concat([line, Buffer.from("\nq\n")]));
        c.endInput();
        const stall = stallWatch(server.progress, c.trace, line.length);
        try {
          // The stall watch, not this deadline, is what fails a client that deadlocks: 24 MiB take two seconds
          // here, many more on a busy machine.
          await Promise.race([c.expectExit(0, 30_000), stall.still]);
        } finally {
          stall.stop();
        }
        const expected = Buffer.concat([
          Buffer.from(`${BANNER}${PROMPT}Message from server : `),
          line,
          Buffer.from(`\n${PROMPT}`),
        ]);
        // Buffer.equals first: expectBytes looks for the first difference byte by byte, a third of a second here.
        if (!c.stdout.bytes.equals(expected)) expectBytes(c.stdout.bytes, expected, OUT);
      },
      40_000,
    );

    it(
      t({
        en: "fails with `read() error: ...` and exit 1 when the server closes mid-session",
        ko: "세션 도중에 서버가 연결을 닫으면 `read() error: ...`를 출력하고 종료 코드 1로 끝난다",
      }),
      async () => {
        const server = await listenLocal((s) => s.once("data", (d) => s.end(d)));
        const c = client(server.port, "one\ntwo\nq\n");
        await c.expectExit(1);
        expectBytes(c.stdout.text, clientTranscript(["one"]), OUT);
        expect(c.stderr.text, ERR).toMatch(SERVER_GONE);
      },
    );

    it(
      t({
        en: "fails with `read() error: ... (ECONNRESET)` and exit 1 when the server resets",
        ko: "서버가 리셋하면 `read() error: ... (ECONNRESET)`를 출력하고 종료 코드 1로 끝난다",
      }),
      async () => {
        const server = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
        const c = client(server.port, "boom\nq\n");
        await c.expectExit(1);
        expect(c.stderr.text, ERR).toMatch(SERVER_GONE);
      },
    );

    it(
      t({
        en: "reports a refused connection as `connect() error: Connection refused (ECONNREFUSED)` and exits 1",
        ko: "연결이 거부되면 `connect() error: Connection refused (ECONNREFUSED)`로 알리고 종료 코드 1로 끝난다",
      }),
      async () => {
        const c = client(await refusedPort(), "q\n");
        await c.expectExit(1);
        expectBytes(c.stderr.text, "connect() error: Connection refused (ECONNREFUSED)\n", ERR);
      },
    );

    const usage = "Usage : echo-client.ts <IP> <port>\n";
    const badIP = (ip: string) =>
      `<IP> must be an IPv4 address such as 127.0.0.1, got ${JSON.stringify(ip)}\n`;
    it.each([
      [[], usage],
      [["127.0.0.1"], usage],
      [["999.1.1.1", "80"], usage + badIP("999.1.1.1")],
      [["localhost", "80"], usage + badIP("localhost")],
      [["127.0.0.1", "x"], `${usage}<port> must be a whole number from 0 to 65535, got "x"\n`],
    ])(
      t({
        en: "prints `Usage : echo-client.ts <IP> <port>` for the arguments %j (and why) and exits 1",
        ko: "인자가 %j이면 `Usage : echo-client.ts <IP> <port>` 줄(과 그 이유)을 출력하고 종료 코드 1로 끝난다",
      }),
      async (args, stderr) => {
        const c = run(CLIENT, args, { label: "your client", stdin: "" });
        await c.expectExit(1);
        expectBytes(c.stderr.text, stderr, ERR);
      },
    );

    it(
      t({
        en: "calls socket → connect → write → read → close, and closes its socket",
        ko: "socket → connect → write → read → close 순서로 호출하고 소켓을 닫는다",
      }),
      async () => {
        const server = await echoServer();
        const c = client(server.port, "ping\nq\n");
        await c.expectExit(0);
        expectCallOrder(c.trace, ["socket", "connect", "write", "read", "close"]);
        expectAllClosed(c.trace);
      },
    );
  },
);

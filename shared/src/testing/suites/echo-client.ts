import { beforeAll, describe, expect, it } from "vitest";

import type { Main } from "../../cli/program.ts";
import type { TraceEvent } from "../../internal/context.ts";
import { expectBytes } from "../bytes.ts";
import { listenLocal, refusedPort } from "../net.ts";
import { rechunkProxy } from "../proxy.ts";
import { startProgram } from "../run.ts";
import { expectAllClosed, expectCallOrder } from "../trace.ts";

const PROMPT = "Input message(Q to quit) : ";

/** What the chapter's client prints for a piped session: the banner, then prompt + reply per line. */
export function clientTranscript(banner: string, lines: readonly string[]): string {
  let out = `${banner}\n`;
  for (const line of lines) out += `${PROMPT}Message from server : ${line}\n`;
  return out + PROMPT;
}

export interface EchoClientSuite {
  title: string;
  name: string;
  /** "Connected........." (04-3) or "Connected.........." (04-4). */
  banner: string;
  layer: "posix" | "winsock";
  load: () => Promise<Main>;
  /** stderr for a refused connection. */
  refused: string;
  /** stderr when the server resets or vanishes mid-session. */
  serverGone: RegExp;
}

/** A plain node:net echo server: the reference the client is tested against. */
const echoServer = () => listenLocal((s) => s.pipe(s));

/** More than a client's and a server's socket buffers hold together on Linux loopback (up to 4 + 32 MiB each way). */
const LONG_LINE_BYTES = 48 * 1024 * 1024;

/** A line of exactly `bytes` bytes, ASCII and Korean mixed (a 64-byte pattern, no newline). */
function longLine(bytes: number): Buffer {
  const unit = Buffer.from("가나다라마바사아자차카타파하0123456789abcdefghijkl");
  const line = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += unit.length) unit.copy(line, at);
  return line;
}

/** An echo server that honours backpressure (pipe) and counts what it took and echoed. */
async function countingEchoServer() {
  const progress = { taken: 0, echoed: 0 };
  const server = await listenLocal((s) => {
    s.on("data", (d: Buffer) => (progress.taken += d.length));
    s.pipe(s);
  });
  return { port: server.port, progress };
}

/**
 * Fails as soon as the echo makes no progress for a few seconds, with what happened: the server took part of
 * the line and echoed it, the client did not read that echo, so the server stopped reading, and the client's
 * write() waits for ever. A correct client progresses all the time, so this is no race against a clock.
 */
function stallWatch(progress: { taken: number }, trace: readonly TraceEvent[], total: number) {
  let timer: NodeJS.Timeout | undefined;
  const readBack = () =>
    trace.reduce((n, e) => n + ((e.call === "read" || e.call === "recv") && e.result > 0 ? e.result : 0), 0);
  const stalled = new Promise<never>((_, reject) => {
    let last = -1;
    let quiet = 0;
    timer = setInterval(() => {
      const now = progress.taken + readBack();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
      if (quiet >= 20) {
        reject(
          new Error(
            `Your client stalled while sending a long line (${total} bytes): the server took ${progress.taken} bytes of it and echoed them, but your client read only ${readBack()} bytes of the echo meanwhile. ` +
              "It did not read the echo while sending, so both sides' socket buffers filled and each side now waits for the other. " +
              "Start the write, read the echo while it runs, and only then await the write.",
          ),
        );
      }
    }, 250);
  });
  stalled.catch(() => undefined);
  return { stalled, stop: () => clearInterval(timer) };
}

/** The behaviour of the chapter's echo client, made stream-safe. */
export function echoClientSuite(suite: EchoClientSuite): void {
  describe(suite.title, () => {
    // Load the program once before the tests: what runs as it loads then counts for the whole suite, not
    // for whichever test happened to load it first (per-test coverage, as mutation testing measures it).
    beforeAll(async () => {
      await suite.load();
    });
    const run = async (port: number, stdin?: string) =>
      startProgram(await suite.load(), ["127.0.0.1", String(port)], {
        label: "your client",
        ...(stdin === undefined ? {} : { stdin }),
      });

    it("prints, for a piped session, byte for byte what the chapter's client prints", async () => {
      const server = await echoServer();
      const client = await run(server.port, "hello\nworld\nq\n");
      await client.expectExit(0);
      expectBytes(
        client.stdout.text,
        clientTranscript(suite.banner, ["hello", "world"]),
        "Your client's stdout",
      );
      expectBytes(client.stderr.text, "", "Your client's stderr");
    });

    it("quits on Q as on q, and ends cleanly at the end of input", async () => {
      const server = await echoServer();
      const upper = await run(server.port, "a\nQ\nnot sent\n");
      await upper.expectExit(0);
      expectBytes(upper.stdout.text, clientTranscript(suite.banner, ["a"]), "Your client's stdout (Q)");
      const eof = await run(server.port, "x\ny");
      await eof.expectExit(0);
      expectBytes(
        eof.stdout.text,
        clientTranscript(suite.banner, ["x", "y"]),
        "Your client's stdout (end of input)",
      );
    });

    it("answers line by line, prompting before each line", async () => {
      const server = await echoServer();
      const client = await run(server.port);
      await client.waitForStdout(`${suite.banner}\n${PROMPT}`);
      client.write("first\n");
      await client.waitForStdout(`Message from server : first\n${PROMPT}`);
      client.write("second\n");
      await client.waitForStdout(`Message from server : second\n${PROMPT}`);
      client.write("q\n");
      await client.expectExit(0);
    });

    it("prints each reply whole when TCP cuts it into 1-byte pieces (empty lines and Korean too)", async () => {
      const server = await echoServer();
      const proxy = await rechunkProxy(server.port, {
        toClient: { pieceSize: 1, delayMs: 1 },
        toServer: { pieceSize: 2 },
      });
      const lines = ["hello world", "", "안녕하세요, 소켓", "x", "tabs\tand spaces  "];
      const client = await run(proxy.port, `${lines.join("\n")}\nq\n`);
      await client.expectExit(0, 15_000);
      expectBytes(client.stdout.text, clientTranscript(suite.banner, lines), "Your client's stdout");
    });

    it("does not mistake two replies merged into one read for one (the server's writes merged)", async () => {
      const server = await echoServer();
      const proxy = await rechunkProxy(server.port, { toClient: { mergeMs: 5 } });
      const client = await run(proxy.port, "abc\ndef\nq\n");
      await client.expectExit(0);
      expectBytes(client.stdout.text, clientTranscript(suite.banner, ["abc", "def"]), "Your client's stdout");
    });

    it(`echoes a ${LONG_LINE_BYTES}-byte line (48 MiB, more than both sides' socket buffers hold), reading the echo while it sends`, async () => {
      const server = await countingEchoServer();
      const line = longLine(LONG_LINE_BYTES);
      const client = await run(server.port, `${line.toString("utf8")}\nq\n`);
      const stall = stallWatch(server.progress, client.trace, line.length);
      try {
        const code = await Promise.race([
          client.waitForExit(`your client to echo a ${line.length}-byte line`, 120_000),
          stall.stalled,
        ]);
        expect(code, client.transcript().slice(-2000)).toBe(0);
      } finally {
        stall.stop();
      }
      const prompt = Buffer.from(`${suite.banner}\n${PROMPT}Message from server : `);
      expectBytes(
        client.stdout.bytes,
        Buffer.concat([prompt, line, Buffer.from(`\n${PROMPT}`)]),
        `Your client's stdout for a ${line.length}-byte line`,
      );
      // 48 MiB take a few seconds, many more under coverage or mutation tools: the stall watch, not this
      // limit, is what fails a client that deadlocks.
    }, 180_000);

    it("fails with a clear message and exit 1 when the server closes mid-session", async () => {
      const server = await listenLocal((s) => s.once("data", (d) => s.end(d)));
      const client = await run(server.port, "one\ntwo\nq\n");
      await client.expectExit(1);
      expect(client.stdout.text).toContain("Message from server : one\n");
      expect(client.stderr.text).toMatch(suite.serverGone);
    });

    it("fails with a clear message and exit 1 when the server resets", async () => {
      const server = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
      const client = await run(server.port, "boom\nq\n");
      await client.expectExit(1);
      expect(client.stderr.text).toMatch(suite.serverGone);
    });

    it("reports a refused connection and exits 1", async () => {
      const client = await run(await refusedPort(), "q\n");
      await client.expectExit(1);
      expectBytes(client.stderr.text, suite.refused, "Your client's stderr");
    });

    it.each([[[]], [["127.0.0.1"]], [["999.1.1.1", "80"]], [["localhost", "80"]], [["127.0.0.1", "x"]]])(
      "refuses the arguments %j with the Usage line",
      async (args) => {
        const client = startProgram(await suite.load(), args, { label: "your client", stdin: "" });
        await client.expectExit(1);
        expect(client.stderr.text.startsWith(`Usage : ${suite.name} <IP> <port>\n`), client.stderr.text).toBe(
          true,
        );
      },
    );

    it("calls socket → connect → (send, receive) → close, and closes its socket", async () => {
      const server = await echoServer();
      const client = await run(server.port, "ping\nq\n");
      await client.waitForExit();
      const [write, read, close] =
        suite.layer === "winsock" ? ["send", "recv", "closesocket"] : ["write", "read", "close"];
      expectCallOrder(client.trace, ["socket", "connect", write, read, close]);
      expectAllClosed(client.trace);
    });
  });
}

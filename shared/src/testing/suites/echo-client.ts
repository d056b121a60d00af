import { describe, expect, it } from "vitest";

import type { Main } from "../../cli/program.ts";
import { expectBytes } from "../bytes.ts";
import { listenLocal } from "../net.ts";
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

/** The behaviour of the chapter's echo client, made stream-safe. */
export function echoClientSuite(suite: EchoClientSuite): void {
  describe(suite.title, () => {
    const run = async (port: number, stdin?: string) =>
      startProgram(await suite.load(), ["127.0.0.1", String(port)], {
        label: "your client",
        ...(stdin === undefined ? {} : { stdin }),
      });

    it("prints, for a piped session, byte for byte what the chapter's client prints", async () => {
      const server = await echoServer();
      const client = await run(server.port, "hello\nworld\nq\n");
      expect(await client.waitForExit()).toBe(0);
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
      expect(await upper.waitForExit()).toBe(0);
      expectBytes(upper.stdout.text, clientTranscript(suite.banner, ["a"]), "Your client's stdout (Q)");
      const eof = await run(server.port, "x\ny");
      expect(await eof.waitForExit()).toBe(0);
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
      expect(await client.waitForExit()).toBe(0);
    });

    it("prints each reply whole when TCP cuts it into 1-byte pieces (empty lines and Korean too)", async () => {
      const server = await echoServer();
      const proxy = await rechunkProxy(server.port, {
        toClient: { pieceSize: 1, delayMs: 1 },
        toServer: { pieceSize: 2 },
      });
      const lines = ["hello world", "", "안녕하세요, 소켓", "x", "tabs\tand spaces  "];
      const client = await run(proxy.port, `${lines.join("\n")}\nq\n`);
      expect(await client.waitForExit(undefined, 15_000)).toBe(0);
      expectBytes(client.stdout.text, clientTranscript(suite.banner, lines), "Your client's stdout");
    });

    it("does not mistake two replies merged into one read for one (the server's writes merged)", async () => {
      const server = await echoServer();
      const proxy = await rechunkProxy(server.port, { toClient: { mergeMs: 5 } });
      const client = await run(proxy.port, "abc\ndef\nq\n");
      expect(await client.waitForExit()).toBe(0);
      expectBytes(client.stdout.text, clientTranscript(suite.banner, ["abc", "def"]), "Your client's stdout");
    });

    it("echoes a 1 MiB line intact", async () => {
      const server = await echoServer();
      const line = "가나다라마바사아자차카타파하0123456789".repeat(26_000).slice(0, 1024 * 1024);
      const client = await run(server.port, `${line}\nq\n`);
      expect(await client.waitForExit(undefined, 20_000)).toBe(0);
      expect(
        client.stdout.text === clientTranscript(suite.banner, [line]),
        "the 1 MiB reply is printed whole",
      ).toBe(true);
    });

    it("fails with a clear message and exit 1 when the server closes mid-session", async () => {
      const server = await listenLocal((s) => s.once("data", (d) => s.end(d)));
      const client = await run(server.port, "one\ntwo\nq\n");
      expect(await client.waitForExit()).toBe(1);
      expect(client.stdout.text).toContain("Message from server : one\n");
      expect(client.stderr.text).toMatch(suite.serverGone);
    });

    it("fails with a clear message and exit 1 when the server resets", async () => {
      const server = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
      const client = await run(server.port, "boom\nq\n");
      expect(await client.waitForExit()).toBe(1);
      expect(client.stderr.text).toMatch(suite.serverGone);
    });

    it("reports a refused connection and exits 1", async () => {
      const gone = await listenLocal();
      await gone.close();
      const client = await run(gone.port, "q\n");
      expect(await client.waitForExit()).toBe(1);
      expectBytes(client.stderr.text, suite.refused, "Your client's stderr");
    });

    it.each([[[]], [["127.0.0.1"]], [["999.1.1.1", "80"]], [["localhost", "80"]], [["127.0.0.1", "x"]]])(
      "refuses the arguments %j with the Usage line",
      async (args) => {
        const client = startProgram(await suite.load(), args, { label: "your client", stdin: "" });
        expect(await client.waitForExit()).toBe(1);
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

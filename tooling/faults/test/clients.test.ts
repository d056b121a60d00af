import {
  expectBytes,
  listenLocal,
  rechunkProxy,
  refusedPort,
  run as runProgram,
} from "@tcp-katas/shared/testing";
import { describe, expect, it } from "vitest";

import { CLIENTS, clientTranscript, type Program } from "./katas.ts";

const GREETING = "Hello World!";

/** The reference peer for each kind of client. */
const server = (p: Program) =>
  listenLocal((s) => (p.behaviour === "echo-client" ? s.pipe(s) : s.end(GREETING)));

/** What this client prints when everything goes right. */
const happy = (p: Program, lines: string[]) =>
  p.behaviour === "echo-client"
    ? clientTranscript(p.banner ?? "", lines)
    : `Message from server : ${GREETING}\n`;

/** The one outcome per layer when connect() is refused: the call and the code (the wording is the layer's). */
function refused(p: Program): RegExp {
  return p.layer === "winsock"
    ? /^connect\(\) error: .* WSAECONNREFUSED \(10061\)\n$/
    : /^connect\(\) error: .* \(ECONNREFUSED\)\n$/;
}

/** The one outcome per layer when the read fails: the server reset, or closed (EOF) before the reply was whole. */
function failedRead(p: Program, how: "reset" | "end"): RegExp {
  const call = p.layer === "winsock" ? "recv" : "read";
  if (how === "end") return new RegExp(`^${call}\\(\\) error: .* \\(EOF\\)\\n$`);
  const code = p.layer === "winsock" ? "WSAECONNRESET \\(10054\\)" : "\\(ECONNRESET\\)";
  return new RegExp(`^${call}\\(\\) error: .* ${code}\\n$`);
}

/** A reset reported by whichever call met it, connect() or the read. */
function resetReported(p: Program): RegExp {
  const read = p.layer === "winsock" ? "recv" : "read";
  const code = p.layer === "winsock" ? "WSAECONNRESET \\(10054\\)" : "\\(ECONNRESET\\)";
  return new RegExp(`^(connect|${read})\\(\\) error: .* ${code}\\n$`);
}

describe.each(CLIENTS)("$kata/solution/$file under faults", (p) => {
  const run = async (args: string[], stdin = "") => runProgram(p.target, args, { label: p.file, stdin });

  it.each([
    [[]],
    [["127.0.0.1"]],
    [["127.0.0.1", "1", "2"]],
    [["999.1.1.1", "80"]],
    [["localhost", "80"]],
    [["127.0.0.1", "abc"]],
    [["127.0.0.1", "65536"]],
    [["127.0.0.1", "-1"]],
  ])("refuses the arguments %j at once: Usage on stderr, exit 1", async (args) => {
    const client = await run(args);
    await client.expectExit(1, 1_000);
    expect(client.stderr.text.startsWith(`Usage : ${p.file} <IP> <port>\n`), client.stderr.text).toBe(true);
  });

  it("port 0 is refused by connect, exit 1", async () => {
    const client = await run(["127.0.0.1", "0"]);
    await client.expectExit(1);
    expect(client.stderr.text).toMatch(refused(p));
  });

  it("a refused connection: connect() error with the code, exit 1", async () => {
    const client = await run(["127.0.0.1", String(await refusedPort())]);
    await client.expectExit(1);
    expect(client.stderr.text).toMatch(refused(p));
  });

  it("1-byte pieces and merged writes change nothing it prints", async () => {
    const peer = await server(p);
    for (const how of [
      { toClient: { pieceSize: 1, delayMs: 1 }, toServer: { pieceSize: 1 } },
      { toClient: { mergeMs: 5 }, toServer: { mergeMs: 5 } },
    ]) {
      const proxy = await rechunkProxy(peer.port, how);
      const client = await run(["127.0.0.1", String(proxy.port)], "안녕\nabc\nq\n");
      await client.expectExit(0, 10_000);
      expectBytes(client.stdout.text, happy(p, ["안녕", "abc"]), `${p.file}'s stdout`);
    }
  });

  it("the server resets at once: a clear error, exit 1, no hang", async () => {
    // The echo client is reset once it has sent its line: its read fails. The hello client sends nothing, and
    // runs in a thread of its own: the reset may reach it before or after its connect() returned, so either
    // call may be the one that reports it.
    const rude = await listenLocal((s) => {
      if (p.behaviour === "echo-client") s.once("data", () => s.resetAndDestroy());
      else s.resetAndDestroy();
    });
    const client = await run(["127.0.0.1", String(rude.port)], "boom\nq\n");
    await client.expectExit(1);
    const reported = p.behaviour === "echo-client" ? failedRead(p, "reset") : resetReported(p);
    expect(client.stderr.text).toMatch(reported);
  });

  it("the server closes without a word: a defined outcome, no hang", async () => {
    const mute = await listenLocal((s) => s.end());
    const client = await run(["127.0.0.1", String(mute.port)], "hello\nq\n");
    const code = await client.waitForExit();
    if (p.behaviour === "echo-client") {
      expect(code).toBe(1);
      expect(client.stderr.text).toMatch(failedRead(p, "end"));
    } else {
      expect(code).toBe(0);
      expectBytes(client.stdout.text, "Message from server : \n", `${p.file}'s stdout for an empty greeting`);
    }
  });

  if (p.behaviour === "echo-client") {
    it("stdin closed before any line: the banner, one prompt, exit 0", async () => {
      const peer = await server(p);
      const client = await run(["127.0.0.1", String(peer.port)], "");
      await client.expectExit(0);
      expectBytes(client.stdout.text, clientTranscript(p.banner ?? "", []), `${p.file}'s stdout`);
    });
  }
});

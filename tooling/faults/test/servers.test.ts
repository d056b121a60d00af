import {
  connectLocal,
  expectBytes,
  listenLocal,
  rechunkProxy,
  run as runProgram,
  type TestClient,
} from "@tcp-katas/shared/testing";
import { describe, expect, it } from "vitest";

import { type Program, SERVERS } from "./katas.ts";

const GREETING = "Hello World!";

/** What a well-behaved client gets from this server for `sent`. */
const expected = (p: Program, sent: string) => (p.behaviour === "echo-server" ? sent : GREETING);

async function start(p: Program) {
  const run = runProgram(p.target, ["0"], { label: p.file });
  const port = await run.port();
  return { run, port };
}

/** A well-behaved client: sends, half-closes, and must get exactly its answer and then the end. */
async function served(p: Program, port: number, text = "next client"): Promise<void> {
  const c = await connectLocal(port);
  if (p.behaviour === "echo-server") await c.send(text);
  c.end();
  expectBytes(
    await c.waitForEnd(`${p.file} to answer the next client and close`),
    expected(p, text),
    `What ${p.file} answered`,
  );
}

/** The one outcome per layer for a port in use: the call and the code (the wording is the layer's). */
function portInUse(p: Program): RegExp {
  if (p.layer === "winsock") return /^bind\(\) error: .* WSAEADDRINUSE \(10048\)\n$/;
  return p.layer === "node"
    ? /^listen\(\) error: .* \(EADDRINUSE\)\n$/
    : /^bind\(\) error: .* \(EADDRINUSE\)\n$/;
}

describe.each(SERVERS)("$kata/solution/$file under faults", (p) => {
  it.each([[[]], [["1", "2"]], [["abc"]], [["65536"]], [["-1"]], [["999.1.1.1"]], [["localhost"]]])(
    "refuses the arguments %j: Usage on stderr, exit 1",
    async (args) => {
      const run = runProgram(p.target, args, { label: p.file });
      await run.expectExit(1);
      expect(run.stderr.text.startsWith(`Usage : ${p.file} <port>\n`), run.stderr.text).toBe(true);
      expect(run.stdout.text).toBe("");
    },
  );

  it("port 0 means a free port chosen by the OS", async () => {
    const { run, port } = await start(p);
    expect(port).toBeGreaterThan(0);
    await served(p, port);
    run.stop();
  });

  it("a port in use: the listing's label and the code, exit 1", async () => {
    const taken = await listenLocal();
    const run = runProgram(p.target, [String(taken.port)], { label: p.file });
    await run.expectExit(1);
    expect(run.stderr.text).toMatch(portInUse(p));
  });

  it("a client that resets mid-message does not stop it", async () => {
    const { run, port } = await start(p);
    const rude = await connectLocal(port);
    await rude.send("half a mess");
    if (p.behaviour === "hello-once") {
      // It answers its one client whatever that client sends; the reset comes after the greeting, so the
      // greeting was sent and the server ends cleanly.
      await rude.waitForBytes(GREETING.length, "the greeting");
      rude.reset();
      await run.expectExit(0);
      expectBytes(run.stderr.text, "", `${p.file}'s stderr`);
      return;
    }
    rude.reset();
    await served(p, port);
    run.stop();
  });

  it("a half-close is answered in full", async () => {
    const { run, port } = await start(p);
    await served(p, port, "last words before FIN");
    run.stop();
  });

  it("a client that connects and never sends holds its turn, and the next one is served after it leaves", async () => {
    const { run, port } = await start(p);
    const silent = await connectLocal(port);
    if (p.behaviour === "hello-once") {
      expectBytes(await silent.waitForEnd(), GREETING, "What the silent client got");
      await run.expectExit(0);
      return;
    }
    await run.waitForStdout("Connected client 1\n");
    const next = served(p, port);
    silent.end();
    await next;
    run.stop();
  });

  it("a client that sends 64 MiB without reading, then resets, does not stop it", async () => {
    const { run, port } = await start(p);
    const hog: TestClient = await connectLocal(port);
    const piece = Buffer.alloc(64 * 1024, 0x78);
    if (p.behaviour === "hello-once") {
      // It never reads: it greets, closes, and exits 0, whatever the client still has in flight. Closing a
      // socket with unread bytes makes Linux send a reset instead of a FIN, and a reset may discard the greeting
      // before the hog reads it: what the hog got is the greeting or the start of it.
      for (let i = 0; i < 1024; i++) hog.socket.write(piece);
      const got = (await hog.waitForEnd()).toString();
      expect(GREETING.startsWith(got), `what the hog got: ${JSON.stringify(got)}`).toBe(true);
      hog.reset();
      await run.expectExit(0);
      return;
    }
    hog.socket.pause();
    for (let i = 0; i < 1024; i++) hog.socket.write(piece);
    await run.waitForStdout("Connected client 1\n");
    hog.reset();
    await served(p, port);
    run.stop();
  });

  it.each([
    ["1-byte pieces both ways", { toServer: { pieceSize: 1 }, toClient: { pieceSize: 1 } }],
    ["merged writes both ways", { toServer: { mergeMs: 5 }, toClient: { mergeMs: 5 } }],
  ] as const)("loses, duplicates and reorders nothing: %s", async (_name, how) => {
    const { run, port } = await start(p);
    const proxy = await rechunkProxy(port, how);
    const c = await connectLocal(proxy.port);
    const text = "안녕하세요, TCP! 0123456789";
    if (p.behaviour === "echo-server") {
      await c.send(text.slice(0, 7));
      await c.send(text.slice(7));
    }
    c.end();
    expectBytes(await c.waitForEnd(), expected(p, text), `What came back from ${p.file}`);
    run.stop();
  });
});

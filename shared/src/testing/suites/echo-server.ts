import { beforeAll, describe, expect, it } from "vitest";

import type { Main } from "../../cli/program.ts";
import { expectBytes } from "../bytes.ts";
import { withDeadline } from "../deadline.ts";
import { connectLocal, listenLocal, type TestClient } from "../net.ts";
import { rechunkProxy } from "../proxy.ts";
import { startProgram } from "../run.ts";
import { expectAllClosed, expectCallOrder, expectNoWriteAfterFailedRead } from "../trace.ts";
import { type Layer, startServer } from "./start.ts";

export interface EchoServerSuite {
  /** The describe() title, starting with the stage: "stage 1: echo-server.ts, one client at a time". */
  title: string;
  /** The program's file name, as its Usage line prints it. */
  name: string;
  layer: Layer;
  load: () => Promise<Main>;
  /** stderr for a port in use. */
  portInUse: string;
}

const connected = (n: number) => Array.from({ length: n }, (_, i) => `Connected client ${i + 1}\n`).join("");

/** One round trip: send, then wait for exactly that many bytes back. */
async function roundTrip(client: TestClient, text: string | Buffer): Promise<void> {
  const before = client.received.bytes.length;
  const bytes = Buffer.from(text);
  await client.send(bytes);
  const all = await client.waitForBytes(
    before + bytes.length,
    `the echo of ${JSON.stringify(String(text).slice(0, 20))}`,
  );
  expectBytes(all.subarray(before), bytes, "The echo");
}

/**
 * Waits until the server stops taking a client's bytes: a server that honours backpressure stops reading
 * when it cannot send its echoes. The flood is written in 64 KiB pieces, so the bytes still queued on the
 * client (`writableLength`) shrink as the server reads. Progress must stop for `quietPolls` polls in a row,
 * each one a turn of the event loop in which a reading server would have taken more; the test fails at once
 * if the server takes every byte ('drain': nothing left queued).
 */
async function waitForStall(client: TestClient, sent: number, quietPolls = 8, pollMs = 125): Promise<number> {
  const socket = client.socket;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<number>((resolve, reject) => {
    socket.once("drain", () =>
      reject(
        new Error(
          `The server took all ${sent} bytes from a client that never read its echoes: it buffers without bound (wait for 'drain' when write() returns false, or await each write).`,
        ),
      ),
    );
    let last = socket.writableLength;
    let quiet = 0;
    timer = setInterval(() => {
      const now = socket.writableLength;
      quiet = now === last ? quiet + 1 : 0;
      last = now;
      if (quiet >= quietPolls && now > 0) resolve(now);
    }, pollMs);
  });
  try {
    return await withDeadline(stalled, "the server to stop reading from a client that does not read", 20_000);
  } finally {
    clearInterval(timer);
  }
}

/** Floods `client` with `total` bytes in 64 KiB writes, none awaited (the client never reads its echoes). */
function flood(client: TestClient, total: number): void {
  const piece = Buffer.alloc(64 * 1024, 0x78);
  for (let at = 0; at < total; at += piece.length) client.socket.write(piece);
}

/** The behaviour every iterative echo server of the chapter must have, whatever API it is written with. */
export function echoServerSuite(suite: EchoServerSuite): void {
  describe(suite.title, () => {
    const start = async () => startServer(await suite.load());
    // Load the program once before the tests: what runs as it loads then counts for the whole suite, not
    // for whichever test happened to load it first (per-test coverage, as mutation testing measures it).
    beforeAll(async () => {
      await suite.load();
    });

    it("echoes every byte back and prints `Connected client 1`", async () => {
      const { run, connect } = await start();
      const c = await connect();
      await run.waitForStdout("Connected client 1\n");
      await roundTrip(c, "hello\n");
      await roundTrip(c, "안녕하세요");
      expectBytes(run.stdout.text, "Connected client 1\n", "The server's stdout");
    });

    it("serves one client at a time: the second waits, unanswered, until the first leaves", async () => {
      const { run, connect } = await start();
      const first = await connect();
      await run.waitForStdout("Connected client 1\n");
      const second = await connect();
      // Watched for the whole of client 1's session, not looked at once: anything client 2 gets, or the
      // server prints about it, before client 1 leaves is noted the moment it happens.
      let firstLeft = false;
      const early: string[] = [];
      second.socket.on("data", (d: Buffer) => {
        if (!firstLeft) early.push(`client 2 got ${d.length} byte(s)`);
      });
      void run.stdout.until((o) => {
        const seen = o.text.includes("Connected client 2");
        if (seen && !firstLeft) early.push("the server printed Connected client 2");
        return seen;
      });
      await second.send("second");
      for (const text of ["one", "two", "three", Buffer.alloc(256 * 1024, 0x61), "four"]) {
        await roundTrip(first, text);
      }
      firstLeft = true;
      first.end();
      await run.waitForStdout("Connected client 2\n");
      expectBytes(await second.waitForBytes(6), "second", "What the second client got on its turn");
      expect(early, "what happened for client 2 while client 1 was still being served").toEqual([]);
    });

    it("serves five clients in arrival order, prints Connected client 1..5, and exits 0", async () => {
      const { run, connect } = await start();
      const clients: TestClient[] = [];
      for (let i = 1; i <= 5; i++) {
        const c = await connect();
        await c.send(`client ${i}`);
        clients.push(c);
      }
      for (const [i, c] of clients.entries()) {
        expectBytes(await c.waitForBytes(8), `client ${i + 1}`, `The echo to client ${i + 1}`);
        c.end();
        await c.waitForEnd();
      }
      await run.expectExit(0);
      expectBytes(run.stdout.text, connected(5), "The server's stdout");
    });

    it("turns away a sixth client still waiting when it stops after the fifth (close(serv_sock) drops the queue)", async () => {
      const { run, connect } = await start();
      const clients: TestClient[] = [];
      for (let i = 1; i <= 5; i++) clients.push(await connect());
      const sixth = await connect();
      await sixth.send("sixth");
      for (const c of clients) {
        c.end();
        await c.waitForEnd();
      }
      await run.expectExit(0);
      // The kernel resets a connection still in the queue of a listening socket that is closed. A server that
      // leaves it open keeps the sixth client waiting for a turn that never comes.
      expectBytes(
        await sixth.waitForEnd("the sixth client's connection to be closed once the server stopped"),
        "",
        "What the sixth client got",
      );
    });

    it("goes on to the next client when one resets mid-message", async () => {
      const { run, connect } = await start();
      const rude = await connect();
      await run.waitForStdout("Connected client 1\n");
      await rude.send("half a mess");
      rude.reset();
      const next = await connect();
      await run.waitForStdout("Connected client 2\n");
      await roundTrip(next, "still served");
      if (suite.layer !== "node") expectNoWriteAfterFailedRead(run.trace);
    });

    it("goes on to the next client when one resets while the server waits in read()", async () => {
      const { run, connect } = await start();
      const rude = await connect();
      await run.waitForStdout("Connected client 1\n");
      // Nothing sent: the reset reaches the server's read(), which fails; no write() is involved.
      rude.reset();
      const next = await connect();
      await run.waitForStdout("Connected client 2\n");
      await roundTrip(next, "still served");
      if (suite.layer !== "node") expectNoWriteAfterFailedRead(run.trace);
    });

    it("goes on when a client connects and leaves without sending anything", async () => {
      const { run, connect } = await start();
      const silent = await connect();
      await run.waitForStdout("Connected client 1\n");
      silent.end();
      expect((await silent.waitForEnd()).length).toBe(0);
      const next = await connect();
      await run.waitForStdout("Connected client 2\n");
      await roundTrip(next, "next");
    });

    it("echoes what is left after a half-close, then closes", async () => {
      const { run, connect } = await start();
      const c = await connect();
      await run.waitForStdout("Connected client 1\n");
      await c.send("last words");
      c.end();
      expectBytes(await c.waitForEnd(), "last words", "What came back after the client's FIN");
    });

    it("loses, duplicates and reorders nothing when TCP cuts the stream differently both ways", async () => {
      const { run, port } = await start();
      const proxy = await rechunkProxy(port, {
        toServer: { pieceSize: 7, delayMs: 1 },
        toClient: { pieceSize: 3 },
      });
      const c = await connectLocal(proxy.port);
      await run.waitForStdout("Connected client 1\n");
      const data = Buffer.from("0123456789 안녕하세요 abcdefghijklmnopqrstuvwxyz\n".repeat(50));
      await c.send(data.subarray(0, 1000));
      await c.send(data.subarray(1000));
      expectBytes(await c.waitForBytes(data.length), data, "The echo through the re-chunking proxy");
    });

    it("echoes 8 MiB (8388608 bytes) intact", async () => {
      const { run, connect } = await start();
      const c = await connect();
      await run.waitForStdout("Connected client 1\n");
      const big = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
      void c.send(big);
      const back = await c.waitForBytes(big.length, `the echo of ${big.length} bytes`, 20_000);
      expectBytes(back, big, `The echo of ${big.length} bytes (8 MiB)`);
    });

    it("stops reading from a client that sends without reading (no unbounded buffering), then serves the next", async () => {
      const { run, connect } = await start();
      const hog = await connect();
      await run.waitForStdout("Connected client 1\n");
      hog.socket.pause();
      const total = 64 * 1024 * 1024;
      flood(hog, total);
      const queued = await waitForStall(hog, total);
      expect(queued).toBeGreaterThan(0);
      hog.reset();
      const next = await connect();
      await run.waitForStdout("Connected client 2\n");
      await roundTrip(next, "after the flood");
    });

    it("resumes when a client that sent without reading starts reading, and echoes every byte", async () => {
      const { run, connect } = await start();
      const slow = await connect();
      await run.waitForStdout("Connected client 1\n");
      slow.socket.pause();
      // As much as the stall test: more than the socket buffers on both sides can hold.
      const total = 64 * 1024 * 1024;
      let echoed = 0;
      slow.socket.on("data", (d: Buffer) => (echoed += d.length));
      flood(slow, total);
      await waitForStall(slow, total);
      // The server waits for its echoes to drain; once the client reads, it must go on reading and echoing.
      const all = new Promise<void>((resolve) => {
        const check = () => {
          if (echoed >= total) resolve();
        };
        slow.socket.on("data", check);
        slow.socket.once("close", resolve);
      });
      slow.socket.resume();
      await withDeadline(
        all,
        `the echo of all ${total} bytes after the client began to read`,
        60_000,
        () => `echoed so far: ${echoed} bytes`,
      );
      expect(echoed, "bytes echoed once the client read").toBe(total);
    }, 120_000);

    it("reports a port in use and exits 1", async () => {
      const taken = await listenLocal();
      const run = startProgram(await suite.load(), [String(taken.port)], { label: "your server" });
      await run.expectExit(1);
      expectBytes(run.stderr.text, suite.portInUse, "The server's stderr");
    });

    it.each([[[]], [["1", "2"]], [["port"]], [["70000"]]])(
      "refuses the arguments %j with the Usage line",
      async (args) => {
        const run = startProgram(await suite.load(), args, { label: "your server" });
        await run.expectExit(1);
        expect(run.stderr.text.startsWith(`Usage : ${suite.name} <port>\n`), run.stderr.text).toBe(true);
      },
    );

    if (suite.layer !== "node") {
      const close = suite.layer === "winsock" ? "closesocket" : "close";
      it(`calls socket → bind → listen → (accept → ${close}) × 5 → ${close}, leaving nothing open`, async () => {
        const { run, connect } = await start();
        for (let i = 1; i <= 5; i++) {
          const c = await connect();
          await run.waitForStdout(`Connected client ${i}\n`);
          c.end();
          await c.waitForEnd();
        }
        await run.expectExit(0);
        const perClient = ["accept", close];
        expectCallOrder(run.trace, [
          "socket",
          "bind",
          "listen",
          ...Array<string[]>(5).fill(perClient).flat(),
          close,
        ]);
        expectAllClosed(run.trace);
      });
    }
  });
}

// What 04-3's test files share: the texts the programs print, the test clients' moves, and the test body of the
// iterative echo server, which stage 1 (echo-server.ts, posix layer) and stage 4 (echo-server-node.ts, node:net)
// both must pass. What a server must do is listed above echoServerTests() and stated by each test's title.
import {
  connectLocal,
  connectTo,
  describeTrace,
  expectBytes,
  expectNoWriteAfterFailedRead,
  type Flood,
  freePort,
  listenLocal,
  type ProgramRun,
  pump,
  rechunkProxy,
  run,
  startServer,
  t,
  type TestClient,
  withDeadline,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { expect, it } from "vitest";

/** Which API a server is written with: the posix layer (its calls traced) or node:net (no trace). */
export type Layer = "posix" | "node";

// --- What the programs print ---

/** The server's stdout once it has taken n clients: `Connected client 1\n` … `Connected client n\n`. */
export function connectedClients(n: number): string {
  let out = "";
  for (let i = 1; i <= n; i++) out += `Connected client ${i}\n`;
  return out;
}

/** The clients' banner, printed once connect() has returned: nine dots. */
export const BANNER = "Connected.........\n";
/** The clients' prompt, printed before each line is read (no newline after it). */
export const PROMPT = "Input message(Q to quit) : ";

/** A client's line: the reply it prints, then the prompt for the next line. */
export const answered = (line: string) => `Message from server : ${line}\n${PROMPT}`;

/**
 * A client's whole stdout for a session that sent `lines`: the banner, the prompt, then each reply with the next
 * prompt. For ["hello", "world"]: `Connected.........\nInput message(Q to quit) : Message from server : hello\n`
 * `Input message(Q to quit) : Message from server : world\nInput message(Q to quit) : `.
 */
export function clientTranscript(lines: readonly string[]): string {
  return BANNER + PROMPT + lines.map(answered).join("");
}

// --- The test side of a connection ---

/** How long a server has to close a client's connection once that client is done (it takes milliseconds). */
export const CLOSE_MS = 2_000;

/** Sends `data`, then waits for exactly its bytes to come back, after what this client already got. */
export async function roundTrip(client: TestClient, data: string | Buffer): Promise<void> {
  const before = client.received.length;
  const bytes = Buffer.from(data);
  await client.send(bytes);
  const shown = JSON.stringify(bytes.subarray(0, 20).toString("utf8"));
  const all = await client.waitForBytes(
    before + bytes.length,
    t({ en: `the echo of ${shown} (${bytes.length} bytes)`, ko: `${shown}의 에코(${bytes.length}바이트)` }),
  );
  expectBytes(all.subarray(before), bytes, t({ en: "The echo", ko: "에코" }));
}

/**
 * Waits, at most CLOSE_MS, until the server has closed this client's connection, and returns everything the client
 * got. A server that never closes a client's socket fails here in two seconds, with the missing call named.
 */
export function closedByServer(client: TestClient, n: number, layer: Layer): Promise<Buffer> {
  const how =
    layer === "posix"
      ? t({
          en: "it must close() the socket accept() gave it, before the next accept()",
          ko: "accept()가 준 소켓을 다음 accept() 전에 close() 해야 합니다",
        })
      : t({
          en: "it must end() the client's socket once its turn is over, before taking the next connection",
          ko: "차례가 끝난 클라이언트의 소켓은 다음 연결을 꺼내기 전에 end() 해야 합니다",
        });
  return client.waitForEnd(
    t({
      en: `your server to close the connection of client ${n} once that client was done (${how})`,
      ko: `클라이언트 ${n}번과의 일이 끝난 뒤 서버가 그 연결을 닫는 것(${how})`,
    }),
    CLOSE_MS,
  );
}

/** The flood of the backpressure tests: more than the socket buffers on both sides hold (Linux: up to 4 + 32 MiB). */
export const FLOOD_BYTES = 64 * 1024 * 1024;

/**
 * Waits until the server stops taking a pumped flood (returns how many bytes are still queued on the client). A
 * server that honours backpressure stops reading once it cannot send its echoes: the posix one is then blocked in
 * write(), which the layer reports as it happens; a node:net server has paused the client's socket, and Node
 * stops reading it from the kernel once its read buffer is full, which the boundary reports when asked (a server
 * merely starved of CPU on a busy machine reads nothing either, but its buffer is not full: it must not pass for
 * one that stopped). A server that reads without bound takes every byte, and the test fails the moment the whole
 * flood has left the client.
 */
export async function waitForStall(
  client: TestClient,
  flooding: Flood,
  max: number,
  layer: Layer,
  server: ProgramRun,
): Promise<number> {
  const socket = client.socket;
  let timer: NodeJS.Timeout | undefined;
  let onDrain: (() => void) | undefined;
  const stalled = new Promise<number>((resolve, reject) => {
    onDrain = () => {
      if (flooding.sent() < max || socket.writableLength > 0) return;
      reject(
        new Error(
          t({
            en: `Your server took all ${max} bytes from a client that never read its echoes: it buffers without bound. ${
              layer === "posix"
                ? "Write back what each read() returned (await the write) before reading again."
                : "When write() returns false, wait for 'drain' before reading more."
            }`,
            ko: `에코를 전혀 읽지 않는 클라이언트가 보낸 ${max}바이트를 서버가 모두 받아 버렸습니다. 한없이 버퍼에 쌓고 있다는 뜻입니다. ${
              layer === "posix"
                ? "read()로 받은 것을 write로 돌려보낸 뒤에(write를 await 한 뒤에) 다시 read 하세요."
                : "write()가 false를 반환하면 'drain'을 기다린 다음에 더 읽으세요."
            }`,
          }),
        ),
      );
    };
    socket.on("drain", onDrain);
    if (layer === "posix") {
      server
        .waitUntil("write() to block", () => server.blockedIn?.call === "write", 10_000)
        .then(() => resolve(socket.writableLength), reject);
    }
    // The last write of the flood may have been taken at once, with no 'drain' after it: look now and then too.
    let asking = false;
    timer = setInterval(() => {
      onDrain?.();
      if (layer === "posix" || asking) return;
      asking = true;
      void server.ping().then((holding) => {
        asking = false;
        if (holding !== undefined && holding > 0 && socket.writableLength > 0) resolve(socket.writableLength);
      });
    }, 50);
  });
  try {
    return await withDeadline(
      stalled,
      t({
        en: "your server to stop reading from a client that does not read its echoes",
        ko: "에코를 읽지 않는 클라이언트에게서 서버가 읽기를 멈추는 것",
      }),
      10_000,
    );
  } finally {
    clearInterval(timer);
    if (onDrain) socket.off("drain", onDrain);
  }
}

// --- The iterative echo server, stage 1 (posix) and stage 4 (node:net) ---

/** What a server prints on stderr when its port is taken: the call that failed is bind() in C, listen() in Node. */
const PORT_IN_USE: Record<Layer, string> = {
  posix: "bind() error: Address already in use (EADDRINUSE)\n",
  node: "listen() error: Address already in use (EADDRINUSE)\n",
};

/**
 * Declares the tests both echo servers pass, `file` ("echo-server.ts" or "echo-server-node.ts") written with
 * `layer`. What they check, in order:
 *   - it listens on the port it is given (htons) and prints `Connected client 1\n` once it accepts the first client,
 *     then sends back every byte it gets, byte for byte (Korean too);
 *   - one client at a time: a second client that connects meanwhile gets nothing, and the server prints nothing
 *     about it, until the first one leaves; then `Connected client 2\n` and its bytes come back;
 *   - five clients in arrival order, stdout exactly `Connected client 1\n` … `Connected client 5\n`, exit 0; a sixth
 *     client still waiting then is turned away (its connection closed), as close(serv_sock) drops the queue;
 *   - each client's socket closed as soon as that client is done (half-closes, leaves silently): close() before the
 *     next accept(), so the client sees the end in milliseconds;
 *   - a client that resets, mid-message or while the server waits in read(), ends only that client's turn: nothing
 *     is written to it after the failed read(), and the next client is served;
 *   - nothing lost, doubled or reordered when TCP cuts the stream differently both ways; 8 MiB intact;
 *   - backpressure: it stops reading from a client that floods 64 MiB without reading, and serves the next one
 *     when that client resets; it echoes all 64 MiB once the client reads;
 *   - a port in use: `bind() error: ...` (posix) or `listen() error: ...` (node) `Address already in use
 *     (EADDRINUSE)` on stderr, exit 1; wrong arguments: `Usage : <file> <port>` (and why), exit 1.
 */
export function echoServerTests(file: "echo-server.ts" | "echo-server-node.ts", layer: Layer): void {
  const SERVER = program(file);
  const start = () => startServer(SERVER);
  const OUT = t({ en: "Your server's stdout", ko: "내 서버의 stdout" });
  const ERR = t({ en: "Your server's stderr", ko: "내 서버의 stderr" });

  it(
    t({
      en: "listens on the port it was given, prints `Connected client 1` and sends back every byte it gets",
      ko: "받은 포트에서 리스닝하고 `Connected client 1`을 출력한 뒤 받은 바이트를 모두 그대로 돌려보낸다",
    }),
    async () => {
      // A real port, not 0: a server that forgot htons() listens on the port with its two bytes swapped.
      const port = await freePort();
      const server = run(SERVER, [String(port)], { label: "your server" });
      expect(
        await server.port(),
        t({ en: "The port your server listens on", ko: "서버가 리스닝하는 포트" }),
      ).toBe(port);
      const c = await connectTo(server, port);
      await server.waitForStdout("Connected client 1\n");
      await roundTrip(c, "hello\n");
      await roundTrip(c, "안녕하세요");
      expectBytes(server.stdout.text, "Connected client 1\n", OUT);
    },
  );

  it(
    t({
      en: "serves one client at a time: a second client waits, unanswered, until the first leaves",
      ko: "한 번에 한 클라이언트만 처리한다: 두 번째 클라이언트는 첫 번째가 떠날 때까지 응답 없이 기다린다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const first = await connect();
      await server.waitForStdout("Connected client 1\n");
      const second = await connect();
      // Watched for the whole of client 1's session, not looked at once: anything client 2 gets, or the server
      // prints about it, before client 1 leaves is noted the moment it happens.
      let firstLeft = false;
      const early: string[] = [];
      second.socket.on("data", (d: Buffer) => {
        if (!firstLeft)
          early.push(
            t({ en: `client 2 got ${d.length} byte(s)`, ko: `클라이언트 2가 ${d.length}바이트를 받음` }),
          );
      });
      void server.stdout.until((o) => {
        const seen = o.text.includes("Connected client 2");
        if (seen && !firstLeft)
          early.push(
            t({ en: "the server printed Connected client 2", ko: "서버가 Connected client 2를 출력함" }),
          );
        return seen;
      });
      await second.send("second");
      for (const text of ["one", "two", "three", Buffer.alloc(256 * 1024, 0x61), "four"]) {
        await roundTrip(first, text);
      }
      firstLeft = true;
      first.end();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      expectBytes(
        await second.waitForBytes(6),
        "second",
        t({ en: "What the second client got on its turn", ko: "두 번째 클라이언트가 자기 차례에 받은 것" }),
      );
      expect(
        early,
        t({
          en: "What happened for client 2 while client 1 was still being served",
          ko: "클라이언트 1을 처리하는 동안 클라이언트 2에게 일어난 일",
        }),
      ).toEqual([]);
    },
  );

  it(
    t({
      en: "serves five clients in arrival order, prints Connected client 1 to 5, and exits 0",
      ko: "다섯 클라이언트를 도착 순서대로 처리하고 Connected client 1부터 5까지 출력한 뒤 종료 코드 0으로 끝난다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const clients: TestClient[] = [];
      for (let i = 1; i <= 5; i++) {
        const c = await connect();
        await c.send(`client ${i}`);
        clients.push(c);
      }
      for (const [i, c] of clients.entries()) {
        const n = i + 1;
        expectBytes(
          await c.waitForBytes(8),
          `client ${n}`,
          t({ en: `The echo to client ${n}`, ko: `클라이언트 ${n}에게 간 에코` }),
        );
        await server.waitForStdout(connectedClients(n));
        c.end();
        await closedByServer(c, n, layer);
      }
      await server.expectExit(0);
      expectBytes(
        server.stdout.text,
        "Connected client 1\nConnected client 2\nConnected client 3\nConnected client 4\nConnected client 5\n",
        OUT,
      );
    },
  );

  it(
    t({
      en: "turns away a sixth client still waiting when it stops after the fifth (close(serv_sock) drops the queue)",
      ko: "다섯 번째 클라이언트 뒤에 멈출 때 아직 기다리는 여섯 번째 클라이언트를 돌려보낸다(close(serv_sock)가 대기 큐를 비운다)",
    }),
    async () => {
      const { run: server, connect } = await start();
      const clients: TestClient[] = [];
      for (let i = 1; i <= 5; i++) clients.push(await connect());
      const sixth = await connect();
      await sixth.send("sixth");
      for (const [i, c] of clients.entries()) {
        c.end();
        await closedByServer(c, i + 1, layer);
      }
      await server.expectExit(0);
      // The kernel resets a connection still in the queue of a listening socket that is closed. A server that
      // leaves it open keeps the sixth client waiting for a turn that never comes.
      expectBytes(
        await sixth.waitForEnd(
          t({
            en: "the sixth client's connection to be closed once your server stopped (close the listening socket; node:net: reset the connections still waiting)",
            ko: "서버가 멈춘 뒤 여섯 번째 클라이언트의 연결이 닫히는 것(리스닝 소켓을 닫으세요. node:net이면 아직 기다리는 연결을 리셋하세요)",
          }),
        ),
        "",
        t({ en: "What the sixth client got", ko: "여섯 번째 클라이언트가 받은 것" }),
      );
    },
  );

  it(
    t({
      en: "closes each client's socket as soon as that client is done: close() before the next accept()",
      ko: "클라이언트와의 일이 끝나면 바로 그 소켓을 닫는다: 다음 accept() 전에 close() 한다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const first = await connect();
      await server.waitForStdout("Connected client 1\n");
      await roundTrip(first, "bye");
      first.end();
      await connect();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      if (layer === "posix") {
        const accepts = server.trace.filter((e) => e.call === "accept" && e.result >= 0);
        const [firstAccept, nextAccept] = accepts;
        const fd = firstAccept?.result ?? -1;
        const before = server.trace.slice(0, nextAccept ? server.trace.indexOf(nextAccept) : undefined);
        const closed = before.some((e) => e.call === "close" && e.fd === fd && e.result === 0);
        expect(
          closed,
          t({
            en: `close(${fd}) of the first client's socket (from accept()) before the next accept(). Your calls: ${describeTrace(server.trace)}`,
            ko: `첫 번째 클라이언트의 소켓(accept()가 준 ${fd}번)을 다음 accept() 전에 close() 하기. 내 서버의 호출: ${describeTrace(server.trace)}`,
          }),
        ).toBe(true);
      }
      expectBytes(
        await closedByServer(first, 1, layer),
        "bye",
        t({ en: "What client 1 got before its end", ko: "클라이언트 1이 연결 종료 전에 받은 것" }),
      );
    },
  );

  it(
    t({
      en: "goes on to the next client when one resets mid-message",
      ko: "메시지를 보내던 클라이언트가 리셋하면 다음 클라이언트로 넘어간다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const rude = await connect();
      await server.waitForStdout("Connected client 1\n");
      await rude.send("half a mess");
      rude.reset();
      const next = await connect();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      await roundTrip(next, "still served");
      if (layer === "posix") expectNoWriteAfterFailedRead(server.trace);
    },
  );

  it(
    t({
      en: "goes on to the next client when one resets while the server waits in read(), and writes nothing after the failed read()",
      ko: "서버가 read()에서 기다리는 동안 클라이언트가 리셋하면 다음 클라이언트로 넘어가고, 실패한 read() 뒤에 아무것도 write 하지 않는다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const rude = await connect();
      await server.waitForStdout("Connected client 1\n");
      // Nothing sent: the reset reaches the server's read(), which fails (-1, ECONNRESET); no write() is involved.
      // The listing's `!= 0` loop then writes -1 back as a length; a server that exits here serves no one else.
      rude.reset();
      const next = await connect();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      await roundTrip(next, "still served");
      if (layer === "posix") expectNoWriteAfterFailedRead(server.trace);
    },
  );

  it(
    t({
      en: "goes on when a client connects and leaves without sending anything",
      ko: "아무것도 보내지 않고 연결했다가 떠나는 클라이언트가 있어도 다음 클라이언트로 넘어간다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const silent = await connect();
      await server.waitForStdout("Connected client 1\n");
      silent.end();
      expectBytes(
        await closedByServer(silent, 1, layer),
        "",
        t({ en: "What the silent client got", ko: "말없는 클라이언트가 받은 것" }),
      );
      const next = await connect();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      await roundTrip(next, "next");
    },
  );

  it(
    t({
      en: "echoes what is left after a half-close, then closes the connection",
      ko: "하프 클로즈 뒤에 남은 바이트를 에코하고 연결을 닫는다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const c = await connect();
      await server.waitForStdout("Connected client 1\n");
      await c.send("last words");
      c.end();
      expectBytes(
        await closedByServer(c, 1, layer),
        "last words",
        t({ en: "What came back after the client's FIN", ko: "클라이언트의 FIN 뒤에 돌아온 것" }),
      );
    },
  );

  it(
    t({
      en: "loses, doubles and reorders nothing when TCP cuts the stream differently both ways",
      ko: "TCP가 양방향 스트림을 다르게 잘라도 바이트를 잃거나 겹치거나 순서를 바꾸지 않는다",
    }),
    async () => {
      const { run: server, port } = await start();
      const proxy = await rechunkProxy(port, {
        toServer: { pieceSize: 7, delayMs: 1 },
        toClient: { pieceSize: 3 },
      });
      // Thousands of 3- and 7-byte writes, each a turn of the test's event loop, which the other tests of the
      // file share: their waits get 20 s, not 5, on a busy machine (only a wrong echo reaches the deadline).
      const c = await connectLocal(proxy.port, 20_000);
      await server.waitForStdout("Connected client 1\n");
      const data = Buffer.from("0123456789 안녕하세요 abcdefghijklmnopqrstuvwxyz\n".repeat(20));
      await c.send(data.subarray(0, 400));
      await c.send(data.subarray(400));
      expectBytes(
        await c.waitForBytes(data.length),
        data,
        t({ en: "The echo through the re-chunking proxy", ko: "재분할 프록시를 거친 에코" }),
      );
    },
  );

  it(
    t({ en: "echoes 8 MiB (8388608 bytes) intact", ko: "8 MiB(8388608바이트)를 온전히 에코한다" }),
    async () => {
      const { run: server, connect } = await start();
      const c = await connect();
      await server.waitForStdout("Connected client 1\n");
      const big = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
      void c.send(big);
      const back = await c.waitForBytes(
        big.length,
        t({ en: `the echo of ${big.length} bytes`, ko: `${big.length}바이트의 에코` }),
        10_000,
      );
      expectBytes(back, big, t({ en: "The echo of 8 MiB", ko: "8 MiB의 에코" }));
    },
  );

  it(
    t({
      en: "stops reading from a client that sends without reading (no unbounded buffering), then serves the next",
      ko: "읽지 않고 보내기만 하는 클라이언트에게서는 읽기를 멈추고(한없이 버퍼에 쌓지 않고) 다음 클라이언트를 처리한다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const hog = await connect();
      await server.waitForStdout("Connected client 1\n");
      hog.socket.pause();
      const flooding = pump(hog, FLOOD_BYTES);
      expect(await waitForStall(hog, flooding, FLOOD_BYTES, layer, server)).toBeGreaterThan(0);
      flooding.stop();
      hog.reset();
      const next = await connect();
      await server.waitForStdout("Connected client 1\nConnected client 2\n");
      await roundTrip(next, "after the flood");
    },
  );

  it(
    t({
      en: "resumes when a client that sent without reading starts reading, and echoes every byte",
      ko: "읽지 않고 보내던 클라이언트가 읽기 시작하면 다시 에코를 이어 가서 모든 바이트를 돌려보낸다",
    }),
    async () => {
      const { run: server, connect } = await start();
      const slow = await connect();
      await server.waitForStdout("Connected client 1\n");
      slow.socket.pause();
      // Bytes as fast as the server takes them, until it stops taking them: the echo of what it took by then
      // is a few MiB, not 64.
      const flooding = pump(slow, FLOOD_BYTES);
      await waitForStall(slow, flooding, FLOOD_BYTES, layer, server);
      const total = flooding.stop();
      // The server waits for its echoes to drain; once the client reads, it must go on reading and echoing.
      slow.socket.resume();
      const back = await slow.waitForBytes(
        total,
        t({
          en: `the echo of all ${total} bytes after the client began to read`,
          ko: `클라이언트가 읽기 시작한 뒤 ${total}바이트 전부의 에코`,
        }),
        20_000,
      );
      expect(back.length, t({ en: "Bytes echoed", ko: "에코된 바이트 수" })).toBe(total);
    },
    30_000,
  );

  it(
    t({
      en: `reports a port in use as \`${PORT_IN_USE[layer].trim()}\` and exits 1`,
      ko: `이미 쓰이는 포트는 \`${PORT_IN_USE[layer].trim()}\`로 알리고 종료 코드 1로 끝난다`,
    }),
    async () => {
      const taken = await listenLocal();
      const server = run(SERVER, [String(taken.port)], { label: "your server" });
      await server.expectExit(1);
      expectBytes(server.stderr.text, PORT_IN_USE[layer], ERR);
    },
  );

  const usage = `Usage : ${file} <port>\n`;
  const why = (port: string) =>
    `<port> must be a whole number from 0 to 65535, got ${JSON.stringify(port)}\n`;
  it.each([
    [[], usage],
    [["9190", "extra"], usage],
    [["port"], usage + why("port")],
    [["70000"], usage + why("70000")],
  ])(
    t({
      en: `prints \`Usage : ${file} <port>\` for the arguments %j (and why) and exits 1`,
      ko: `인자가 %j이면 \`Usage : ${file} <port>\`(와 그 이유)를 출력하고 종료 코드 1로 끝난다`,
    }),
    async (args, stderr) => {
      const server = run(SERVER, args, { label: "your server" });
      await server.expectExit(1);
      expectBytes(server.stderr.text, stderr, ERR);
    },
  );
}

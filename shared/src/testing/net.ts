import { once } from "node:events";
import net from "node:net";

import { msg } from "../i18n/messages.ts";
import { currentTest, registerCleanup } from "./cleanup.ts";
import { DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
import { Output } from "./output.ts";
import { byteSwapped } from "./ports.ts";
import { whereRuns } from "./program-run.ts";

export const LOOPBACK = "127.0.0.1";

export interface LocalServer {
  readonly server: net.Server;
  readonly port: number;
  /** Every connection the server has taken, in order. */
  readonly connections: net.Socket[];
  close(): Promise<void>;
}

/** A real server on 127.0.0.1, port 0; closed when the test ends. */
export async function listenLocal(onConnection?: (socket: net.Socket) => void): Promise<LocalServer> {
  const connections: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connections.push(socket);
    socket.on("error", () => undefined);
    onConnection?.(socket);
  });
  const close = async () => {
    for (const c of connections) c.destroy();
    if (server.listening) await once(server.close(), "close");
  };
  registerCleanup(close);
  await once(server.listen(0, LOOPBACK), "listening");
  return { server, port: (server.address() as net.AddressInfo).port, connections, close };
}

/**
 * A free port for a program that must be told one, tried on every local address (the listings bind INADDR_ANY).
 * Taken below every system's ephemeral range (Linux's starts at 32768, macOS's and Windows' at 49152): a port
 * the OS hands out for port 0 or an outgoing connection, in this test run or a parallel one, is never this one,
 * so nothing takes it before the program binds it. Its byte-swapped value is another port, 1024 or above, so a
 * program that forgot htons() listens somewhere else, where it may (no root needed), and the test can say so.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const swapped = byteSwapped(port);
    if (swapped === port || swapped < 1024) continue;
    const server = net.createServer().listen({ port, exclusive: true });
    try {
      await once(server, "listening");
    } catch {
      continue; // taken
    }
    await once(server.close(), "close");
    return port;
  }
}

/** A test's own TCP client: what it received so far, and ways to wait for more. */
export interface TestClient {
  readonly socket: net.Socket;
  readonly received: Output;
  send(data: string | Uint8Array): Promise<void>;
  /** Waits until at least n bytes have arrived. */
  waitForBytes(n: number, what?: string, ms?: number): Promise<Buffer>;
  /** Waits until the server closes its side (reads 0). */
  waitForEnd(what?: string, ms?: number): Promise<Buffer>;
  /** Half-close: "I am done sending". */
  end(): void;
  /** Abortive close: the server's next read fails with ECONNRESET. */
  reset(): void;
}

/** Connects to 127.0.0.1:port; closed when the test ends. */
export async function connectLocal(port: number, ms = DEFAULT_DEADLINE_MS): Promise<TestClient> {
  const socket = net.connect({ host: LOOPBACK, port, allowHalfOpen: true });
  registerCleanup(() => socket.destroy());
  const received = new Output(socket);
  let failure: Error | undefined;
  socket.on("error", (err) => {
    failure = err;
    received.end();
  });
  await withDeadline(
    once(socket, "connect"),
    msg("net.what.connect", { address: `${LOOPBACK}:${port}` }),
    ms,
  );
  const soFar = () => msg("net.receivedSoFar", { n: received.bytes.length });
  // A wait that runs out says where the test's programs are: a server spinning in a loop is named as such.
  const group = currentTest.getStore();
  const where = () => whereRuns(group);
  // Both waits end at once when the connection ends or fails: nothing more can arrive then.
  const until = async (done: (o: Output) => boolean, what: string, wait: number) => {
    await withDeadline(
      received.until((o) => done(o) || o.ended),
      what,
      wait,
      soFar,
      where,
    );
    return received.bytes;
  };
  return {
    socket,
    received,
    send: (data) => {
      const sent = new Promise<void>((resolve, reject) =>
        socket.write(data, (err) => (err ? reject(err) : resolve())),
      );
      // A test that does not await a send (a flood) must not see its failure as an unhandled rejection.
      sent.catch(() => undefined);
      return sent;
    },
    async waitForBytes(n, what = msg("net.what.bytes", { n }), wait = ms) {
      const got = (await until((o) => o.length >= n, what, wait)).length;
      if (got < n) {
        const cause = failure ? ((failure as NodeJS.ErrnoException).code ?? failure.message) : undefined;
        throw new Error(
          cause === undefined
            ? msg("net.endedEarly", { got, n, what })
            : msg("net.endedEarlyCause", { cause, got, n, what }),
        );
      }
      return received.bytes;
    },
    waitForEnd: (what = msg("net.what.end"), wait = ms) => until(() => false, what, wait),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
  };
}

/**
 * A port where connect() is refused, for sure: the local port of a connected socket, which stays bound for the
 * test but never listens (the chapter's question 4). Listening on a port and closing it instead races with other
 * test workers, which may be given that port meanwhile.
 */
export async function refusedPort(): Promise<number> {
  const peer = await listenLocal();
  const bound = await connectLocal(peer.port);
  // A connected socket always has one.
  return bound.socket.localPort as number;
}

/** A flood under way: how many bytes it has handed to the socket so far, and how to end it. */
export interface Flood {
  sent(): number;
  /** Ends the flood; returns the bytes sent, every one of which a correct echo server sends back in the end. */
  stop(): number;
}

/**
 * Floods `client` as fast as its socket takes bytes (a 64 KiB write whenever the last one was taken), up to
 * `max`, for a client that does not read its echoes. Unlike writing `max` bytes at once, what is sent stops
 * growing when the server stops reading, so a test of backpressure moves a few MiB instead of all of `max`.
 */
export function pump(client: TestClient, max: number): Flood {
  const piece = Buffer.alloc(64 * 1024, 0x78);
  let sent = 0;
  const fill = () => {
    while (sent < max) {
      sent += piece.length;
      if (!client.socket.write(piece)) return;
    }
  };
  client.socket.on("drain", fill);
  fill();
  return {
    sent: () => sent,
    stop: () => {
      client.socket.off("drain", fill);
      return sent;
    },
  };
}

/** A watch on a count that should keep growing: `still` rejects with `onStill()`'s error once it stops. */
export interface ProgressWatch {
  still: Promise<never>;
  stop(): void;
}

/**
 * Watches `progress()` and rejects with `onStill()` once it has grown past zero and then not moved for `quietMs`
 * of wall-clock time. Quiet before the first byte is not counted: a program still starting on a busy machine has
 * not stalled, and one that never starts meets its test's deadline instead.
 */
export function watchProgress(progress: () => number, quietMs: number, onStill: () => Error): ProgressWatch {
  let timer: NodeJS.Timeout | undefined;
  const still = new Promise<never>((_, reject) => {
    let last = 0;
    let since = Date.now();
    timer = setInterval(() => {
      const now = progress();
      if (now !== last || now === 0) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        clearInterval(timer);
        reject(onStill());
      }
    }, 100);
  });
  still.catch(() => undefined);
  return { still, stop: () => clearInterval(timer) };
}

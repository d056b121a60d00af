import type net from "node:net";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { useLang } from "../src/i18n/index.ts";
import {
  connectLocal,
  listenLocal,
  type LocalServer,
  rechunkProxy,
  refusedPort,
  watchProgress,
  withDeadline,
} from "../src/testing/index.ts";

// Exact English texts: the language is pinned for this file only (the worker is shared across files).
beforeAll(() => useLang("en"));
afterAll(() => useLang(undefined));

/** What a promise rejected with (fails if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(result instanceof Error)) throw new Error("the promise did not reject with an Error");
  return result;
}

/** A server that answers "bye" only after the client has finished sending (its end), on a later turn. */
async function byeAfterEnd(): Promise<LocalServer> {
  return listenLocal((s) => {
    s.resume();
    s.on("end", () => setImmediate(() => s.end("bye")));
  });
}

/** A server that tells, with the error's code, when one of its connections fails. */
async function failureWatcher(): Promise<{ server: LocalServer; failed: Promise<string | undefined> }> {
  let report!: (code: string | undefined) => void;
  const failed = new Promise<string | undefined>((resolve) => (report = resolve));
  const server = await listenLocal((s) => {
    s.resume();
    s.on("error", (err: NodeJS.ErrnoException) => report(err.code));
  });
  return { server, failed };
}

describe("listenLocal", () => {
  it("keeps a connection half-open: the server may answer after the client's end", async () => {
    const server = await byeAfterEnd();
    const c = await connectLocal(server.port);
    await c.send("hi");
    c.end();
    expect((await c.waitForEnd()).toString()).toBe("bye");
  });

  it("takes a client's reset without an uncaught error", async () => {
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    let accepted!: () => void;
    const taken = new Promise<void>((resolve) => (accepted = resolve));
    const server = await listenLocal((s) => {
      s.resume();
      s.on("close", closed);
      accepted();
    });
    const c = await connectLocal(server.port);
    await withDeadline(taken, "the server to take the connection");
    c.reset();
    await withDeadline(gone, "the server's socket to close");
  });
});

describe("connectLocal", () => {
  it("names the cause when the connection fails before the bytes came", async () => {
    const server = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
    const c = await connectLocal(server.port);
    await c.send("x");
    expect((await rejection(c.waitForBytes(10, undefined, 60_000))).message).toBe(
      "The connection ended (ECONNRESET) after 0 of 10 bytes while waiting for 10 bytes from the server.",
    );
  });

  it("says how many bytes came when a wait times out", async () => {
    const server = await listenLocal((s) => s.write("ab"));
    const c = await connectLocal(server.port);
    await c.waitForBytes(2);
    expect((await rejection(c.waitForBytes(10, "ten bytes", 20))).message).toBe(
      "Timed out after 20 ms waiting for ten bytes.\nreceived so far: 2 bytes",
    );
    expect((await rejection(c.waitForEnd(undefined, 20))).message).toBe(
      "Timed out after 20 ms waiting for the server to close the connection (does it close the client's socket once that client is done?).\nreceived so far: 2 bytes",
    );
  });

  it("rejects with ECONNREFUSED on a port nobody listens on", async () => {
    const port = await refusedPort();
    expect(port).toBeGreaterThan(0);
    const err = await rejection(connectLocal(port));
    expect((err as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });
});

describe("cleanup at the end of a test", () => {
  let client: net.Socket | undefined;
  let server: net.Server | undefined;

  it("opens a server and a client", async () => {
    const local = await listenLocal();
    const c = await connectLocal(local.port);
    client = c.socket;
    server = local.server;
    expect(client.destroyed).toBe(false);
    expect(server.listening).toBe(true);
  });

  it("finds them closed in the next test", () => {
    expect(client?.destroyed).toBe(true);
    expect(server?.listening).toBe(false);
  });
});

describe("rechunkProxy", () => {
  it("keeps a connection half-open both ways, with no options", async () => {
    const sink = await byeAfterEnd();
    const proxy = await rechunkProxy(sink.port);
    const c = await connectLocal(proxy.port);
    await c.send("hi");
    c.end();
    expect((await c.waitForEnd()).toString()).toBe("bye");
  });

  it("passes a client's reset on to the server", async () => {
    const { server, failed } = await failureWatcher();
    let got!: () => void;
    const arrived = new Promise<void>((resolve) => (got = resolve));
    server.server.on("connection", (s: net.Socket) => s.once("data", () => got()));
    const proxy = await rechunkProxy(server.port);
    const c = await connectLocal(proxy.port);
    await c.send("x");
    await withDeadline(arrived, "the server to receive the first byte");
    c.reset();
    expect(await withDeadline(failed, "the reset to reach the server")).toBe("ECONNRESET");
  });

  it("passes a server's reset on to the client", async () => {
    const sink = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
    const proxy = await rechunkProxy(sink.port);
    const c = await connectLocal(proxy.port);
    await c.send("x");
    expect((await rejection(c.waitForBytes(1, undefined, 60_000))).message).toBe(
      "The connection ended (ECONNRESET) after 0 of 1 bytes while waiting for 1 bytes from the server.",
    );
  });

  it("takes more bytes while it is still forwarding earlier ones, and keeps their order", async () => {
    const received: Buffer[] = [];
    let first!: () => void;
    const started = new Promise<void>((resolve) => (first = resolve));
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const sink = await listenLocal((s) =>
      s
        .on("data", (d: Buffer) => {
          received.push(d);
          first();
        })
        .on("end", ended),
    );
    // Slow pieces: the proxy is most likely still pausing between them when "e" comes in.
    const proxy = await rechunkProxy(sink.port, { toServer: { pieceSize: 1, delayMs: 30 } });
    const c = await connectLocal(proxy.port);
    await c.send("abcd");
    await withDeadline(started, "the first byte to reach the server");
    await c.send("e");
    c.end();
    await withDeadline(done, "the server to see the end");
    expect(Buffer.concat(received).toString()).toBe("abcde");
  });

  it("keeps sending to a server that has finished sending", async () => {
    const received: Buffer[] = [];
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const sink = await listenLocal((s) => {
      s.end("hello");
      s.on("data", (d: Buffer) => received.push(d)).on("end", ended);
    });
    const proxy = await rechunkProxy(sink.port);
    const c = await connectLocal(proxy.port);
    expect((await c.waitForEnd()).toString()).toBe("hello");
    await c.send("more");
    c.end();
    await withDeadline(done, "the server to see the end");
    expect(Buffer.concat(received).toString()).toBe("more");
  });
});

describe("watchProgress", () => {
  // Fake timers: the watch polls with setInterval and measures quiet with Date.now(), both under vitest's clock.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("counts no quiet before the first byte, and rejects once a count that moved stands still", async () => {
    let count = 0;
    const watch = watchProgress(
      () => count,
      300,
      () => new Error("still"),
    );
    let settled = false;
    watch.still.catch(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
    count = 10;
    await vi.advanceTimersByTimeAsync(250);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect((await rejection(watch.still)).message).toBe("still");
  });

  it("does not reject while the count keeps moving, nor after stop()", async () => {
    let count = 1;
    const watch = watchProgress(
      () => count,
      200,
      () => new Error("still"),
    );
    let settled = false;
    watch.still.catch(() => (settled = true));
    for (let i = 0; i < 20; i++) {
      count += 1;
      await vi.advanceTimersByTimeAsync(100);
    }
    watch.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
  });
});

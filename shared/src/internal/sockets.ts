/**
 * The socket core under both C-shaped layers: a per-program descriptor table over real node:net sockets.
 * Calls throw CallFailed with the errno C would set; posix/ and winsock/ turn that into -1 or SOCKET_ERROR.
 *
 * Every socket has TCP_NODELAY set: with Nagle's algorithm on (C's default), the listings' 1 KiB writes would
 * each wait for the peer's delayed ACK, about 40 ms on Linux; a C program would set it for the same reason.
 *
 * Where Node cannot be faithful: Node binds and listens in one step, so bind() only checks (by binding for a
 * moment) that the address is free and listen() takes it for real; Node accepts connections itself, so they
 * wait in our queue (paused, unread) instead of the kernel's. The kernel's queue keeps Node's default length:
 * the listing's 5 would only make the kernel drop the SYNs of a burst of clients, which retry a second later.
 */
import { once } from "node:events";
import net from "node:net";

import { ByteReader } from "../framing/byte-reader.ts";
import { currentContext, type ProgramContext } from "./context.ts";
import { type ErrnoName, fromNodeError, type SysError, sysError } from "./errno.ts";
import { SendBuffer } from "./send-buffer.ts";

export interface Address {
  readonly host: string;
  readonly port: number;
}

interface Fresh {
  kind: "fresh";
  bound?: Address;
  /** bind() asked for port 0: the port it was given is only a probe's, so listen() may take another. */
  anyPort?: boolean;
}
interface Listening {
  kind: "listening";
  server: net.Server;
  address: Address;
  queue: net.Socket[];
  waiter?: (socket: net.Socket | undefined) => void;
}
interface Connected {
  kind: "connected";
  socket: net.Socket;
  reader: ByteReader;
  sender: SendBuffer;
  local: Address;
  peer: Address;
  /** Linux reports a reset once (to the first read or write after it); set once it has been. */
  resetReported: boolean;
  /** Whether a write() has been made: the first one goes out at once (see writeSocket). */
  wrote: boolean;
}
interface Busy {
  kind: "connecting";
}
type Descriptor = Fresh | Listening | Connected | Busy;

export class CallFailed extends Error {
  constructor(readonly error: SysError) {
    super(error.message);
  }
}

function fail(name: ErrnoName): never {
  throw new CallFailed(sysError(name));
}

const ANY: Address = { host: "0.0.0.0", port: 0 };

function table(ctx = currentContext()): Map<number, Descriptor> {
  return ctx.fds as Map<number, Descriptor>;
}

function lookup(fd: number, ctx?: ProgramContext): Descriptor {
  const d = table(ctx).get(fd);
  if (!d) fail("EBADF");
  return d;
}

/** socket(): the lowest free descriptor from 3 up, as a C process with stdin/stdout/stderr open would get. */
export function openSocket(): number {
  const fds = table();
  let fd = 3;
  while (fds.has(fd)) fd++;
  fds.set(fd, { kind: "fresh" });
  return fd;
}

/** Resolves once `emitter` emits `event`; its 'error' becomes the CallFailed C would report. */
async function awaitEvent(emitter: net.Server | net.Socket, event: string): Promise<void> {
  try {
    await once(emitter, event);
  } catch (err) {
    throw new CallFailed(fromNodeError(err));
  }
}

function listenOnce(server: net.Server, host: string, port: number): Promise<void> {
  server.listen({ host, port, exclusive: true });
  return awaitEvent(server, "listening");
}

/** bind(): checks that the address can be taken (EADDRINUSE, EADDRNOTAVAIL, EACCES) and remembers it. */
export async function bindSocket(fd: number, address: Address): Promise<void> {
  const d = lookup(fd);
  if (d.kind !== "fresh" || d.bound) fail("EINVAL");
  const probe = net.createServer();
  await listenOnce(probe, address.host, address.port);
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  d.bound = { host: address.host, port };
  d.anyPort = address.port === 0;
}

/** listen(): takes the address for real. An unbound socket gets 0.0.0.0 and a free port, as on Linux. */
export async function listenSocket(fd: number): Promise<Address> {
  const d = lookup(fd);
  if (d.kind === "listening") return d.address;
  if (d.kind !== "fresh") fail("EINVAL");
  const address = d.bound ?? ANY;
  const queue: net.Socket[] = [];
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const state: Listening = { kind: "listening", server, address, queue };
  const { io } = currentContext();
  server.on("connection", (socket) => {
    io.onConnection?.();
    // Until accept() takes it, a connection is only queued: paused, so its bytes wait unread.
    socket.on("error", () => undefined);
    socket.setNoDelay(true);
    const waiter = state.waiter;
    if (waiter) {
      state.waiter = undefined;
      waiter(socket);
    } else {
      queue.push(socket);
    }
  });
  const fds = table();
  const placeholder: Busy = { kind: "connecting" };
  fds.set(fd, placeholder);
  try {
    try {
      await listenOnce(server, address.host, address.port);
    } catch (err) {
      // bind(port 0) took its port from a probe that closed again: another process may have taken it since. The
      // kernel would have kept it reserved, so the program is given another free port rather than EADDRINUSE.
      if (!(d.anyPort && err instanceof CallFailed && err.error.name === "EADDRINUSE")) throw err;
      await listenOnce(server, address.host, 0);
    }
  } catch (err) {
    if (fds.get(fd) === placeholder) fds.set(fd, d);
    throw err;
  }
  // Closed meanwhile (a close() without waiting for listen(), or the program ended): the server goes too.
  if (fds.get(fd) !== placeholder) {
    server.close();
    fail("EBADF");
  }
  const actual = { host: address.host, port: (server.address() as net.AddressInfo).port };
  state.address = actual;
  fds.set(fd, state);
  currentContext().io.onListening?.(actual.port);
  return actual;
}

function connectedState(socket: net.Socket): Connected {
  return {
    kind: "connected",
    socket,
    reader: new ByteReader(socket),
    sender: new SendBuffer(socket),
    local: { host: socket.localAddress ?? "0.0.0.0", port: socket.localPort ?? 0 },
    peer: { host: socket.remoteAddress ?? "0.0.0.0", port: socket.remotePort ?? 0 },
    resetReported: false,
    wrote: false,
  };
}

/** accept(): the oldest waiting connection, or waits for one. Closing the listener interrupts it (EINTR). */
export async function acceptSocket(fd: number, waiting?: () => void): Promise<{ fd: number; peer: Address }> {
  const d = lookup(fd);
  if (d.kind !== "listening") fail("EINVAL");
  if (d.waiter) fail("EALREADY");
  let socket = d.queue.shift();
  if (!socket) {
    waiting?.();
    socket = await new Promise<net.Socket | undefined>((resolve) => {
      d.waiter = resolve;
    });
  }
  if (!socket) fail("EINTR");
  const state = connectedState(socket);
  const newFd = openSocket();
  table().set(newFd, state);
  return { fd: newFd, peer: state.peer };
}

/** connect(): a real TCP connect to a dotted-quad address; no name lookup ever happens. */
export async function connectSocket(fd: number, address: Address, waiting?: () => void): Promise<void> {
  const d = lookup(fd);
  if (d.kind === "connected") fail("EISCONN");
  if (d.kind === "connecting") fail("EALREADY");
  if (d.kind === "listening") fail("EINVAL");
  if (address.port === 0) fail("ECONNREFUSED");
  const fds = table();
  const placeholder: Busy = { kind: "connecting" };
  fds.set(fd, placeholder);
  waiting?.();
  try {
    const socket = net.connect({
      host: address.host,
      port: address.port,
      allowHalfOpen: true,
      noDelay: true,
      ...(d.bound ? { localAddress: d.bound.host, localPort: d.bound.port } : {}),
    });
    await awaitEvent(socket, "connect");
    // Closed meanwhile, or the program ended: the connection goes too, as the OS would close it.
    if (fds.get(fd) !== placeholder) {
      socket.destroy();
      fail("EBADF");
    }
    fds.set(fd, connectedState(socket));
  } catch (err) {
    if (fds.get(fd) === placeholder) fds.set(fd, d);
    throw err;
  }
}

function connected(fd: number, ctx?: ProgramContext): Connected {
  const d = lookup(fd, ctx);
  if (d.kind !== "connected") fail("ENOTCONN");
  return d;
}

/**
 * How a layer reports a reset: "once" as Linux (the first read or write after it fails with ECONNRESET; then
 * read returns 0 and write fails with EPIPE), "always" as Windows (every recv and send fails with WSAECONNRESET).
 */
export type ResetReport = "once" | "always";

/** The error a read or write meets on a connection that failed, or undefined after Linux reported it. */
function failureOf(d: Connected, report: ResetReport, reading = false): CallFailed | undefined {
  // A write that failed at once has errored the socket before its 'error' event reaches the reader.
  const failure = d.reader.failure ?? d.socket.errored ?? undefined;
  if (!failure) return undefined;
  // Linux: once the peer's FIN has been read, read() returns 0 even if a reset follows.
  if (reading && report === "once" && d.reader.endedCleanly) return undefined;
  if (report === "once") {
    if (d.resetReported) return undefined;
    d.resetReported = true;
  }
  return new CallFailed(fromNodeError(failure));
}

/** What readSocket answers when no byte has arrived yet: await readable(fd), then call it again. */
export const WOULD_BLOCK = -2;

/**
 * read()/recv() without waiting: copies at most n of the bytes that have arrived into target and returns the
 * count; 0 at end of stream; WOULD_BLOCK when it would have to wait. Split from the waiting so a read that can
 * answer at once costs no promise (dear while a test's AsyncLocalStorage has promise hooks on).
 */
export function readSocket(
  ctx: ProgramContext,
  fd: number,
  target: Uint8Array,
  n: number,
  report: ResetReport,
): number {
  const d = connected(fd, ctx);
  if (n === 0) return 0;
  const got = d.reader.readAvailable(target, n);
  if (got > 0) return got;
  if (!d.reader.ended) return WOULD_BLOCK;
  const failure = failureOf(d, report, true);
  if (failure) throw failure;
  return 0;
}

/** Resolves once readSocket(fd) can answer without waiting. */
export function readable(ctx: ProgramContext, fd: number): Promise<void> {
  return connected(fd, ctx).reader.whenReadable();
}

/** Resolves on the first of these events, and stops listening for the others. */
function firstOf(socket: net.Socket, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of events) socket.off(event, done);
      resolve();
    };
    for (const event of events) socket.on(event, done);
  });
}

/**
 * write()/send(): copies the bytes into the descriptor's send buffer and returns, as the kernel does; when
 * node:net's buffer is full (the peer is not reading), waits until it drains: backpressure, never unbounded
 * buffering. Returns a number when it did not wait, a promise when it did. A write the OS later fails is
 * reported by the next call on the socket (Linux: ECONNRESET once, then EPIPE), as in C; the first write of a
 * connection fails at once when the peer had already reset it.
 */
export function writeSocket(
  ctx: ProgramContext,
  fd: number,
  bytes: Uint8Array,
  report: ResetReport,
  waiting?: () => void,
): number | Promise<number> {
  const d = connected(fd, ctx);
  const { socket } = d;
  const failure = failureOf(d, report);
  if (failure) throw failure;
  if (socket.destroyed || !socket.writable) fail("EPIPE");
  d.sender.push(bytes);
  if (!d.wrote) {
    // The connection's first write is handed to the OS now, not at the end of the turn: a peer that reset
    // before it (a client gone before the server's greeting) makes it fail here, as C's write() fails at once.
    d.wrote = true;
    d.sender.flush();
    const failed = failureOf(d, report);
    if (failed) throw failed;
  }
  if (!socket.writableNeedDrain) return bytes.length;
  waiting?.();
  return firstOf(socket, ["drain", "close"]).then(() => {
    // Reset while this write waited: C's blocked write fails with it.
    const late = socket.destroyed ? failureOf(d, report) : undefined;
    if (late) throw late;
    return bytes.length;
  });
}

/** shutdown(SHUT_WR): sends FIN; the socket can still read. */
export function shutdownSocket(fd: number): void {
  const d = connected(fd);
  d.sender.flush();
  d.socket.end();
}

/** close()/closesocket(): releases the descriptor at once; queued bytes are still flushed, then FIN. */
export function closeSocket(fd: number): void {
  const d = lookup(fd);
  table().delete(fd);
  if (d.kind === "connected") {
    d.sender.flush();
    d.socket.on("error", () => undefined);
    d.socket.destroySoon();
  } else if (d.kind === "listening") {
    d.server.close();
    // Connections still waiting for accept are dropped, as the kernel drops its backlog: the peer sees a reset.
    for (const waiting of d.queue.splice(0)) waiting.resetAndDestroy();
    const waiter = d.waiter;
    d.waiter = undefined;
    waiter?.(undefined);
    d.server.on("connection", (late: net.Socket) => late.resetAndDestroy());
  }
}

export function localAddress(fd: number): Address {
  const d = lookup(fd);
  if (d.kind === "connected") return d.local;
  if (d.kind === "listening") return d.address;
  return (d.kind === "fresh" && d.bound) || ANY;
}

export function peerAddress(fd: number): Address {
  return connected(fd).peer;
}

/** Resolves once no more bytes will arrive on a connected descriptor (the peer's FIN, a reset, a close). */
export function untilEnded(fd: number): Promise<void> {
  const d = connected(fd);
  return d.reader.ended ? Promise.resolve() : firstOf(d.socket, ["end", "error", "close"]);
}

export function openDescriptors(): number[] {
  return [...table().keys()];
}

/** What the OS does when a process exits: every descriptor still open is closed (not traced as close()). */
export function closeAllAtExit(): void {
  for (const fd of openDescriptors()) closeSocket(fd);
}

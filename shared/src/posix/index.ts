/**
 * The POSIX socket calls of the chapter's C listings, as async TypeScript over real node:net sockets.
 * Same names, same arguments, same return conventions: integer descriptors, -1 with errno on failure,
 * 0 from read() at end of stream. A solution written with it reads line by line like its listing:
 *
 *     const servSock = socket(PF_INET, SOCK_STREAM, 0);
 *     if (servSock === -1) errorHandling("socket() error", lastError());
 *
 * The blocking calls (bind, listen, accept, connect, read, write) return promises: `await` them where C blocks.
 * @module
 */
import { currentContext, type ProgramContext, record, type TraceEvent, waiter } from "../internal/context.ts";
import { ERRNO, errnoByNumber, type ErrnoName, type SysError, sysError } from "../internal/errno.ts";
import { note, settle, waited } from "../internal/pace.ts";
import { assertIdle, begin, notAPromise } from "../internal/pending.ts";
import * as core from "../internal/sockets.ts";
import { addressFromHost, htons, inet_ntoa, ntohs } from "./byte-order.ts";

export type { TraceEvent } from "../internal/context.ts";
export type { ErrnoName, SysError } from "../internal/errno.ts";
export { BUSY_LOOP_LIMIT, BusyLoopError } from "../internal/pace.ts";
export { htonl, htons, INADDR_ANY, INADDR_NONE, inet_addr, inet_ntoa, ntohl, ntohs } from "./byte-order.ts";

export const PF_INET = 2;
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const IPPROTO_TCP = 6;
export const SHUT_WR = 1;

/** C's struct sockaddr_in: port and address in network byte order. */
export interface sockaddr_in {
  sin_family: number;
  sin_port: number;
  sin_addr: { s_addr: number };
}

/** A zeroed sockaddr_in, as `memset(&addr, 0, sizeof(addr))` leaves it. */
export function sockaddr_in(): sockaddr_in {
  return { sin_family: 0, sin_port: 0, sin_addr: { s_addr: 0 } };
}

/** errno: the number of the last failed call's error in this program (0 if none failed). */
export function errno(): number {
  return currentContext().errno?.errno ?? 0;
}

/**
 * The last failed call's error with its name and text, for errorHandling(). Before any call failed, errno is 0, and
 * C's strerror(0) says "Success": that is what it gives then, not an error no call had.
 */
export function lastError():
  SysError | { readonly name: "0"; readonly errno: 0; readonly message: "Success" } {
  return currentContext().errno ?? { name: "0", errno: 0, message: "Success" };
}

/** C's strerror. */
export function strerror(n: number): string {
  return errnoByNumber(n)?.message ?? `Unknown error ${n}`;
}

/** The symbolic name of an errno number ("EADDRINUSE" for 98). */
export function errnoName(n: number): string {
  return errnoByNumber(n)?.name ?? `E${n}`;
}

/** The errno numbers by name, as <errno.h> has them (Linux values). */
export const E = Object.fromEntries(Object.entries(ERRNO).map(([k, [n]]) => [k, n])) as {
  readonly [K in ErrnoName]: number;
};

type Detail = TraceEvent["detail"];

/**
 * A failed call: sets errno, traces it, and counts it toward a busy loop on that descriptor (a loop repeating
 * a call that fails at once is stopped with BusyLoopError, see ../internal/pace.ts).
 */
function failed(call: string, fd: number | undefined, err: unknown): number {
  if (!(err instanceof core.CallFailed)) throw err;
  const ctx = currentContext();
  ctx.errno = err.error;
  if (ctx.tracing) record({ call, fd, result: -1, error: err.error.name });
  note(ctx.pace, "posix", call, fd ?? -1, -1, true, err.error.name);
  return -1;
}

function ok(call: string, fd: number | undefined, result: number, detail?: Detail): number {
  if (currentContext().tracing) record({ call, fd, result, ...(detail ? { detail } : {}) });
  return result;
}

/** ok() for the hot calls (read, write), which already hold the context. */
function moved(ctx: ProgramContext, call: string, fd: number, result: number): void {
  if (ctx.tracing) record({ call, fd, result });
}

function setFailure(call: string, fd: number | undefined, name: ErrnoName): number {
  return failed(call, fd, new core.CallFailed(sysError(name)));
}

function checkAddress(call: string, fd: number, addr: sockaddr_in): core.Address | number {
  if (addr.sin_family !== AF_INET) return setFailure(call, fd, "EAFNOSUPPORT");
  return { host: inet_ntoa(addr.sin_addr), port: ntohs(addr.sin_port) };
}

/** socket(): a new TCP socket's descriptor, or -1 (only PF_INET + SOCK_STREAM are supported). */
export function socket(domain: number, type: number, protocol: number): number {
  if (domain !== PF_INET) return setFailure("socket", undefined, "EAFNOSUPPORT");
  if (type !== SOCK_STREAM) return setFailure("socket", undefined, "ESOCKTNOSUPPORT");
  if (protocol !== 0 && protocol !== IPPROTO_TCP) return setFailure("socket", undefined, "EPROTONOSUPPORT");
  const fd = core.openSocket();
  return ok("socket", fd, fd);
}

/** bind(): gives the socket its address. Fails with EADDRINUSE when the port is taken. */
export function bind(fd: number, addr: sockaddr_in, _addrlen?: number): Promise<number> {
  const done = begin(currentContext(), "bind", fd);
  return bindNow(done, fd, addr, _addrlen);
}

async function bindNow(done: () => void, fd: number, addr: sockaddr_in, _addrlen?: number): Promise<number> {
  try {
    const address = checkAddress("bind", fd, addr);
    if (typeof address === "number") return address;
    try {
      await core.bindSocket(fd, address);
      return ok("bind", fd, 0, { host: address.host, port: core.localAddress(fd).port });
    } catch (err) {
      return failed("bind", fd, err);
    }
  } finally {
    done();
  }
}

/** listen(): from now on, connects to this address succeed and wait in the queue for accept(). */
export function listen(fd: number, backlog: number): Promise<number> {
  notAPromise("listen", "backlog", backlog);
  const done = begin(currentContext(), "listen", fd);
  return listenNow(done, fd, backlog);
}

async function listenNow(done: () => void, fd: number, backlog: number): Promise<number> {
  try {
    try {
      const address = await core.listenSocket(fd);
      return ok("listen", fd, 0, { host: address.host, port: address.port, backlog });
    } catch (err) {
      return failed("listen", fd, err);
    }
  } finally {
    done();
  }
}

/** accept(): the next waiting connection's new descriptor (waits if none); fills addr with the peer's address. */
export function accept(fd: number, addr?: sockaddr_in, _addrlen?: unknown): Promise<number> {
  const done = begin(currentContext(), "accept", fd);
  return acceptNow(done, fd, addr, _addrlen);
}

async function acceptNow(
  done: () => void,
  fd: number,
  addr?: sockaddr_in,
  _addrlen?: unknown,
): Promise<number> {
  try {
    try {
      const { fd: newFd, peer } = await core.acceptSocket(fd, waiter(currentContext(), "accept", fd));
      if (addr) {
        addr.sin_family = AF_INET;
        addr.sin_port = htons(peer.port);
        addr.sin_addr.s_addr = addressFromHost(peer.host);
      }
      note(currentContext().pace, "posix", "accept", newFd, newFd, false);
      return ok("accept", fd, newFd, { host: peer.host, port: peer.port });
    } catch (err) {
      return failed("accept", fd, err);
    }
  } finally {
    done();
  }
}

/** connect(): resolves 0 once the server's listen queue took the connection (not when it accepts it). */
export function connect(fd: number, addr: sockaddr_in, _addrlen?: number): Promise<number> {
  const done = begin(currentContext(), "connect", fd);
  return connectNow(done, fd, addr, _addrlen);
}

async function connectNow(
  done: () => void,
  fd: number,
  addr: sockaddr_in,
  _addrlen?: number,
): Promise<number> {
  try {
    const address = checkAddress("connect", fd, addr);
    if (typeof address === "number") return address;
    try {
      await core.connectSocket(fd, address, waiter(currentContext(), "connect", fd));
      return ok("connect", fd, 0, { host: address.host, port: address.port });
    } catch (err) {
      return failed("connect", fd, err);
    }
  } finally {
    done();
  }
}

function checkBuffer(call: string, fd: number, buf: Uint8Array, n: number): number | undefined {
  if (!Number.isInteger(n) || n < 0) return setFailure(call, fd, "EINVAL");
  if (n > buf.length) return setFailure(call, fd, "EFAULT");
  return undefined;
}

/**
 * read(): waits until bytes have arrived, copies at most n of them into buf and returns how many.
 * 0 means the peer closed; -1 an error. A reset is reported once, as on Linux: -1 with ECONNRESET, then 0.
 * It may return fewer bytes than were sent.
 */
export function read(fd: number, buf: Uint8Array, n: number): Promise<number> {
  notAPromise("read", "n", n);
  const done = begin(currentContext(), "read", fd);
  return readNow(done, fd, buf, n);
}

async function readNow(done: () => void, fd: number, buf: Uint8Array, n: number): Promise<number> {
  try {
    const ctx = currentContext();
    let result = checkBuffer("read", fd, buf, n);
    if (result === undefined) {
      try {
        result = core.readSocket(ctx, fd, buf, n, "once");
        while (result === core.WOULD_BLOCK) {
          ctx.io.onWait?.({ call: "read", fd });
          await core.readable(ctx, fd);
          waited(ctx.pace);
          result = core.readSocket(ctx, fd, buf, n, "once");
        }
        moved(ctx, "read", fd, result);
        // 0 for a read of 0 bytes is not the peer's end: it is not counted toward a busy loop.
        note(ctx.pace, "posix", "read", fd, result, result === 0 && n > 0);
      } catch (err) {
        result = failed("read", fd, err);
      }
    }
    return settle(ctx.pace, result);
  } finally {
    done();
  }
}

/**
 * write(): copies the first n bytes of buf into the socket's send buffer and returns n (waits while the peer
 * does not read). After a reset: -1 with ECONNRESET once (if no read reported it first), then EPIPE.
 */
export function write(fd: number, buf: Uint8Array, n: number): Promise<number> {
  notAPromise("write", "n", n);
  const done = begin(currentContext(), "write", fd);
  return writeNow(done, fd, buf, n);
}

async function writeNow(done: () => void, fd: number, buf: Uint8Array, n: number): Promise<number> {
  try {
    const ctx = currentContext();
    let result = checkBuffer("write", fd, buf, n);
    if (result === undefined) {
      try {
        const answer = core.writeSocket(
          ctx,
          fd,
          n === buf.length ? buf : buf.subarray(0, n),
          "once",
          waiter(ctx, "write", fd),
        );
        if (typeof answer === "number") {
          result = answer;
        } else {
          result = await answer;
          waited(ctx.pace);
        }
        moved(ctx, "write", fd, result);
        if (result > 0) note(ctx.pace, "posix", "write", fd, result, false);
      } catch (err) {
        result = failed("write", fd, err);
      }
    }
    return settle(ctx.pace, result);
  } finally {
    done();
  }
}

/** shutdown(fd, SHUT_WR): "I am done sending" (FIN); reading goes on. */
export function shutdown(fd: number, how: number): number {
  if (how !== SHUT_WR) return setFailure("shutdown", fd, "EINVAL");
  try {
    core.shutdownSocket(fd);
    return ok("shutdown", fd, 0);
  } catch (err) {
    return failed("shutdown", fd, err);
  }
}

/** close(): releases the descriptor. Bytes already written are still delivered, then the peer reads 0. */
export function close(fd: number): number {
  assertIdle(currentContext(), "close", fd);
  try {
    core.closeSocket(fd);
    note(currentContext().pace, "posix", "close", fd, 0, false);
    return ok("close", fd, 0);
  } catch (err) {
    return failed("close", fd, err);
  }
}

function fill(addr: sockaddr_in, address: core.Address): void {
  addr.sin_family = AF_INET;
  addr.sin_port = htons(address.port);
  addr.sin_addr.s_addr = addressFromHost(address.host);
}

/** getsockname(): the socket's own address (port 0 until it is bound or connected). */
export function getsockname(fd: number, addr: sockaddr_in): number {
  try {
    const local = core.localAddress(fd);
    fill(addr, local);
    return ok("getsockname", fd, 0, { host: local.host, port: local.port });
  } catch (err) {
    return failed("getsockname", fd, err);
  }
}

/** getpeername(): the connected peer's address; ENOTCONN if not connected. */
export function getpeername(fd: number, addr: sockaddr_in): number {
  try {
    const peer = core.peerAddress(fd);
    fill(addr, peer);
    return ok("getpeername", fd, 0, { host: peer.host, port: peer.port });
  } catch (err) {
    return failed("getpeername", fd, err);
  }
}

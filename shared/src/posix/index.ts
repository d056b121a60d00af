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
import { layerCalls } from "../internal/calls.ts";
import { currentContext } from "../internal/context.ts";
import { byNumber, ERRNO, type ErrnoName, numbersOf, type SysError, sysError } from "../internal/errno.ts";
import type { sockaddr_in } from "./byte-order.ts";

export type { TraceEvent } from "../internal/context.ts";
export type { ErrnoName, SysError } from "../internal/errno.ts";
export { BUSY_LOOP_LIMIT, BusyLoopError } from "../internal/pace.ts";
export {
  AF_INET,
  htonl,
  htons,
  INADDR_ANY,
  INADDR_NONE,
  inet_addr,
  inet_ntoa,
  IPPROTO_TCP,
  ntohl,
  ntohs,
  PF_INET,
  SHUT_WR,
  SOCK_DGRAM,
  SOCK_STREAM,
  sockaddr_in,
} from "./byte-order.ts";

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
  return byNumber(ERRNO, n)?.message ?? `Unknown error ${n}`;
}

/** The symbolic name of an errno number ("EADDRINUSE" for 98). */
export function errnoName(n: number): string {
  return byNumber(ERRNO, n)?.name ?? `E${n}`;
}

/** The errno numbers by name, as <errno.h> has them (Linux values). */
export const E = numbersOf(ERRNO);

// Descriptors are the core's own; a failed call returns -1 and sets errno; a reset is reported once, as on Linux.
const calls = layerCalls<ErrnoName>({
  style: "posix",
  reset: "once",
  invalid: -1,
  length: "n",
  toFd: (fd) => fd,
  toHandle: (fd) => fd,
  errorOf: (name) => name,
  setError: (ctx, name) => {
    ctx.errno = sysError(name);
  },
  precheck: () => undefined,
});

/** socket(): a new TCP socket's descriptor, or -1 (only PF_INET + SOCK_STREAM are supported). */
export const socket = (domain: number, type: number, protocol: number): number =>
  calls.socket(domain, type, protocol);

/** bind(): gives the socket its address. Fails with EADDRINUSE when the port is taken. */
export const bind = (fd: number, addr: sockaddr_in, _addrlen?: number): Promise<number> =>
  calls.bind(fd, addr);

/** listen(): from now on, connects to this address succeed and wait in the queue for accept(). */
export const listen = (fd: number, backlog: number): Promise<number> => calls.listen(fd, backlog);

/** accept(): the next waiting connection's new descriptor (waits if none); fills addr with the peer's address. */
export const accept = (fd: number, addr?: sockaddr_in, _addrlen?: unknown): Promise<number> =>
  calls.accept(fd, addr);

/** connect(): resolves 0 once the server's listen queue took the connection (not when it accepts it). */
export const connect = (fd: number, addr: sockaddr_in, _addrlen?: number): Promise<number> =>
  calls.connect(fd, addr);

/**
 * read(): waits until bytes have arrived, copies at most n of them into buf and returns how many.
 * 0 means the peer closed; -1 an error. A reset is reported once, as on Linux: -1 with ECONNRESET, then 0.
 * It may return fewer bytes than were sent.
 */
export const read = (fd: number, buf: Uint8Array, n: number): Promise<number> =>
  calls.read("read", fd, buf, n);

/**
 * write(): copies the first n bytes of buf into the socket's send buffer and returns n (waits while the peer
 * does not read). After a reset: -1 with ECONNRESET once (if no read reported it first), then EPIPE.
 */
export const write = (fd: number, buf: Uint8Array, n: number): Promise<number> =>
  calls.write("write", fd, buf, n);

/** shutdown(fd, SHUT_WR): "I am done sending" (FIN); reading goes on. */
export const shutdown = (fd: number, how: number): number => calls.shutdown(fd, how);

/** close(): releases the descriptor. Bytes already written are still delivered, then the peer reads 0. */
export const close = (fd: number): number => calls.close("close", fd);

/** getsockname(): the socket's own address (port 0 until it is bound or connected). */
export const getsockname = (fd: number, addr: sockaddr_in): number => calls.getsockname(fd, addr);

/** getpeername(): the connected peer's address; ENOTCONN if not connected. */
export const getpeername = (fd: number, addr: sockaddr_in): number => calls.getpeername(fd, addr);

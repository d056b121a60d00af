/**
 * The Winsock calls of the chapter's Windows listings, over the same real sockets as ../posix. What differs
 * is what Windows makes you do: WSAStartup before anything and WSACleanup at the end (calls outside that
 * window fail with WSANOTINITIALISED), SOCKET handles checked against INVALID_SOCKET, other calls against
 * SOCKET_ERROR, the reason read with WSAGetLastError(), send/recv with flags, closesocket.
 * @module
 */
import { currentContext, type ProgramContext, record, waiter } from "../internal/context.ts";
import { note, settle, waited } from "../internal/pace.ts";
import { assertIdle, begin, notAPromise } from "../internal/pending.ts";
import * as core from "../internal/sockets.ts";
import { addressFromHost, htons, inet_ntoa, ntohs } from "../posix/byte-order.ts";
import { AF_INET, IPPROTO_TCP, PF_INET, SOCK_STREAM, type sockaddr_in } from "../posix/index.ts";
import { FROM_ERRNO, WSA, wsaByNumber, type WsaName } from "./errors.ts";

export { BUSY_LOOP_LIMIT, BusyLoopError } from "../internal/pace.ts";
export {
  htonl,
  htons,
  INADDR_ANY,
  INADDR_NONE,
  inet_addr,
  inet_ntoa,
  ntohl,
  ntohs,
} from "../posix/byte-order.ts";
export { AF_INET, IPPROTO_TCP, PF_INET, SOCK_STREAM, sockaddr_in } from "../posix/index.ts";
export { WSA, type WsaName } from "./errors.ts";

/** A Winsock handle. Unsigned on Windows; never compared with -1, only with INVALID_SOCKET. */
export type SOCKET = number;
/** (SOCKET)(~0): what socket() and accept() return on failure (32-bit Windows' value). */
export const INVALID_SOCKET: SOCKET = 0xffff_ffff;
/** What the other calls return on failure. */
export const SOCKET_ERROR = -1;

/** The named WSA error numbers: WSAE.WSAEADDRINUSE === 10048. */
export const WSAE = Object.fromEntries(Object.entries(WSA).map(([k, [n]]) => [k, n])) as {
  readonly [K in WsaName]: number;
};

/** What WSAStartup fills in. */
export interface WSADATA {
  wVersion: number;
  wHighVersion: number;
  szDescription: string;
  szSystemStatus: string;
}

/** An empty WSADATA for WSAStartup to fill. */
export function WSADATA(): WSADATA {
  return { wVersion: 0, wHighVersion: 0, szDescription: "", szSystemStatus: "" };
}

/** MAKEWORD(2, 2): the low byte is the major version, the high byte the minor. */
export function MAKEWORD(low: number, high: number): number {
  return (low & 0xff) | ((high & 0xff) << 8);
}
const LOBYTE = (w: number) => w & 0xff;
const HIBYTE = (w: number) => (w >>> 8) & 0xff;

// SOCKET values look like Windows' (multiples of 4 from 0x100) and map to the core's descriptors.
const SOCKET_BASE = 0x100;
const toSocket = (fd: number): SOCKET => SOCKET_BASE + fd * 4;
const toFd = (s: SOCKET): number => (s - SOCKET_BASE) / 4;

function setLastError(name: WsaName): void {
  currentContext().wsaLastError = WSA[name][0];
}

/** WSAStartup: must come first. Negotiates the version (2.2 at most) and fills wsaData; 0 on success. */
export function WSAStartup(wVersionRequested: number, wsaData: WSADATA): number {
  const major = LOBYTE(wVersionRequested);
  const minor = HIBYTE(wVersionRequested);
  if (major < 1 || (major === 1 && minor < 1)) {
    record({ call: "WSAStartup", result: WSAE.WSAVERNOTSUPPORTED, error: "WSAVERNOTSUPPORTED" });
    return WSAE.WSAVERNOTSUPPORTED;
  }
  const version = major > 2 || (major === 2 && minor > 2) ? MAKEWORD(2, 2) : MAKEWORD(major, minor);
  Object.assign(wsaData, {
    wVersion: version,
    wHighVersion: MAKEWORD(2, 2),
    szDescription: "WinSock 2.0 (tcp-ip-katas over node:net)",
    szSystemStatus: "Running",
  });
  currentContext().wsaStartups += 1;
  record({ call: "WSAStartup", result: 0, detail: { version: `${LOBYTE(version)}.${HIBYTE(version)}` } });
  return 0;
}

/** WSACleanup: one per successful WSAStartup; after the last one, every call fails with WSANOTINITIALISED. */
export function WSACleanup(): number {
  const ctx = currentContext();
  if (ctx.wsaStartups === 0) {
    setLastError("WSANOTINITIALISED");
    record({ call: "WSACleanup", result: SOCKET_ERROR, error: "WSANOTINITIALISED" });
    return SOCKET_ERROR;
  }
  ctx.wsaStartups -= 1;
  record({ call: "WSACleanup", result: 0 });
  return 0;
}

/** The error of this program's last failed Winsock call. */
export function WSAGetLastError(): number {
  return currentContext().wsaLastError;
}

/** The last error with its name and text, for errorHandling(): `bind() error: ... WSAEADDRINUSE (10048)`. */
export function lastError(): { name: string; errno: number; message: string; style: "winsock" } {
  const n = WSAGetLastError();
  const known = wsaByNumber(n);
  // Windows' error 0 is success (NO_ERROR); a number the table lacks is shown as the number, not a made-up name.
  if (n === 0)
    return { name: "NO_ERROR", errno: 0, message: "The operation completed successfully.", style: "winsock" };
  return {
    name: known?.name ?? String(n),
    errno: n,
    message: known?.message ?? `Unknown error ${n}`,
    style: "winsock",
  };
}

/** SOCKET_ERROR or INVALID_SOCKET, whichever the call returns on failure. */
type Failure = number;

function failed(call: string, s: SOCKET | undefined, err: unknown, result: Failure): number {
  if (!(err instanceof core.CallFailed)) throw err;
  return refuse(call, s, FROM_ERRNO[err.error.name] ?? "WSAEINVAL", result);
}

/**
 * A failed call: sets the last error, traces it, and counts it toward a busy loop on that SOCKET (a loop
 * repeating a call that fails at once is stopped with BusyLoopError, see ../internal/pace.ts).
 */
function refuse(call: string, s: SOCKET | undefined, name: WsaName, result: Failure): number {
  const ctx = currentContext();
  ctx.wsaLastError = WSA[name][0];
  if (ctx.tracing) record({ call, fd: s, result, error: name });
  note(ctx.pace, "winsock", call, s ?? -1, -1, true, name);
  return result;
}

/** Every call but WSAStartup needs a started Winsock. */
function notStarted(call: string, s: SOCKET | undefined, result: Failure): number | undefined {
  return currentContext().wsaStartups > 0 ? undefined : refuse(call, s, "WSANOTINITIALISED", result);
}

function validSocket(call: string, s: SOCKET, result: Failure): number | undefined {
  const fd = toFd(s);
  if (!core.isOpen(fd)) {
    return refuse(call, s, "WSAENOTSOCK", result);
  }
  return undefined;
}

function ok(
  call: string,
  s: SOCKET | undefined,
  result: number,
  detail?: Record<string, string | number>,
): number {
  if (currentContext().tracing) record({ call, fd: s, result, ...(detail ? { detail } : {}) });
  return result;
}

/** socket(): a SOCKET, or INVALID_SOCKET. */
export function socket(af: number, type: number, protocol: number): SOCKET {
  const stop = notStarted("socket", undefined, INVALID_SOCKET);
  if (stop !== undefined) return stop;
  if (af !== PF_INET) return refuse("socket", undefined, "WSAEAFNOSUPPORT", INVALID_SOCKET);
  if (type !== SOCK_STREAM) return refuse("socket", undefined, "WSAESOCKTNOSUPPORT", INVALID_SOCKET);
  if (protocol !== 0 && protocol !== IPPROTO_TCP)
    return refuse("socket", undefined, "WSAEPROTONOSUPPORT", INVALID_SOCKET);
  const s = toSocket(core.openSocket());
  return ok("socket", s, s);
}

function address(call: string, s: SOCKET, addr: sockaddr_in): core.Address | number {
  if (addr.sin_family !== AF_INET) return refuse(call, s, "WSAEAFNOSUPPORT", SOCKET_ERROR);
  return { host: inet_ntoa(addr.sin_addr), port: ntohs(addr.sin_port) };
}

function precheck(call: string, s: SOCKET, result: Failure = SOCKET_ERROR): number | undefined {
  return notStarted(call, s, result) ?? validSocket(call, s, result);
}

/** bind(): 0 or SOCKET_ERROR (WSAEADDRINUSE when the port is taken). */
export function bind(s: SOCKET, addr: sockaddr_in, _namelen?: number): Promise<number> {
  const done = begin(currentContext(), "bind", s);
  return bindNow(done, s, addr, _namelen);
}

async function bindNow(done: () => void, s: SOCKET, addr: sockaddr_in, _namelen?: number): Promise<number> {
  try {
    const stop = precheck("bind", s);
    if (stop !== undefined) return stop;
    const target = address("bind", s, addr);
    if (typeof target === "number") return target;
    try {
      await core.bindSocket(toFd(s), target);
      return ok("bind", s, 0, { host: target.host, port: core.localAddress(toFd(s)).port });
    } catch (err) {
      return failed("bind", s, err, SOCKET_ERROR);
    }
  } finally {
    done();
  }
}

/** listen(): 0 or SOCKET_ERROR. */
export function listen(s: SOCKET, backlog: number): Promise<number> {
  notAPromise("listen", "backlog", backlog);
  const done = begin(currentContext(), "listen", s);
  return listenNow(done, s, backlog);
}

async function listenNow(done: () => void, s: SOCKET, backlog: number): Promise<number> {
  try {
    const stop = precheck("listen", s);
    if (stop !== undefined) return stop;
    try {
      const where = await core.listenSocket(toFd(s));
      return ok("listen", s, 0, { host: where.host, port: where.port, backlog });
    } catch (err) {
      return failed("listen", s, err, SOCKET_ERROR);
    }
  } finally {
    done();
  }
}

/** accept(): the next connection's SOCKET, or INVALID_SOCKET (WSAEINTR when the listener was closed meanwhile). */
export function accept(s: SOCKET, addr?: sockaddr_in, _addrlen?: unknown): Promise<SOCKET> {
  const done = begin(currentContext(), "accept", s);
  return acceptNow(done, s, addr, _addrlen);
}

async function acceptNow(
  done: () => void,
  s: SOCKET,
  addr?: sockaddr_in,
  _addrlen?: unknown,
): Promise<SOCKET> {
  try {
    const stop = precheck("accept", s, INVALID_SOCKET);
    if (stop !== undefined) return stop;
    try {
      const { fd, peer } = await core.acceptSocket(toFd(s), waiter(currentContext(), "accept", s));
      if (addr) {
        addr.sin_family = AF_INET;
        addr.sin_port = htons(peer.port);
        addr.sin_addr.s_addr = addressFromHost(peer.host);
      }
      note(currentContext().pace, "winsock", "accept", toSocket(fd), 0, false);
      return ok("accept", s, toSocket(fd), { host: peer.host, port: peer.port });
    } catch (err) {
      return failed("accept", s, err, INVALID_SOCKET);
    }
  } finally {
    done();
  }
}

/** connect(): 0 or SOCKET_ERROR (WSAECONNREFUSED when nothing listens). */
export function connect(s: SOCKET, addr: sockaddr_in, _namelen?: number): Promise<number> {
  const done = begin(currentContext(), "connect", s);
  return connectNow(done, s, addr, _namelen);
}

async function connectNow(
  done: () => void,
  s: SOCKET,
  addr: sockaddr_in,
  _namelen?: number,
): Promise<number> {
  try {
    const stop = precheck("connect", s);
    if (stop !== undefined) return stop;
    const target = address("connect", s, addr);
    if (typeof target === "number") return target;
    try {
      await core.connectSocket(toFd(s), target, waiter(currentContext(), "connect", s));
      return ok("connect", s, 0, { host: target.host, port: target.port });
    } catch (err) {
      return failed("connect", s, err, SOCKET_ERROR);
    }
  } finally {
    done();
  }
}

function badLength(call: string, s: SOCKET, buf: Uint8Array, len: number): number | undefined {
  if (!Number.isInteger(len) || len < 0) return refuse(call, s, "WSAEINVAL", SOCKET_ERROR);
  if (len > buf.length) return refuse(call, s, "WSAEFAULT", SOCKET_ERROR);
  return undefined;
}

/** Whether a call may go on: Winsock started and the handle open (checked against ctx, already in hand). */
function usable(ctx: ProgramContext, call: string, s: SOCKET): number | undefined {
  if (ctx.wsaStartups === 0) return refuse(call, s, "WSANOTINITIALISED", SOCKET_ERROR);
  if (!ctx.fds.has(toFd(s))) return refuse(call, s, "WSAENOTSOCK", SOCKET_ERROR);
  return undefined;
}

/** ok() for the hot calls (recv, send), which already hold the context. */
function moved(ctx: ProgramContext, call: string, s: SOCKET, result: number): void {
  if (ctx.tracing) record({ call, fd: s, result });
}

/**
 * send(): copies the bytes into the socket's send buffer and returns the count (waits while the peer does not
 * read), or SOCKET_ERROR. After a reset every send fails with WSAECONNRESET. Only flags 0 is supported.
 */
export function send(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
  notAPromise("send", "len", len);
  const done = begin(currentContext(), "send", s);
  return sendNow(done, s, buf, len, flags);
}

async function sendNow(
  done: () => void,
  s: SOCKET,
  buf: Uint8Array,
  len: number,
  flags: number,
): Promise<number> {
  try {
    const ctx = currentContext();
    let result = usable(ctx, "send", s) ?? badLength("send", s, buf, len);
    if (result === undefined && flags !== 0) result = refuse("send", s, "WSAEOPNOTSUPP", SOCKET_ERROR);
    if (result === undefined) {
      try {
        const answer = core.writeSocket(
          ctx,
          toFd(s),
          len === buf.length ? buf : buf.subarray(0, len),
          "always",
          waiter(ctx, "send", s),
        );
        if (typeof answer === "number") {
          result = answer;
        } else {
          result = await answer;
          waited(ctx.pace);
        }
        moved(ctx, "send", s, result);
        if (result > 0) note(ctx.pace, "winsock", "send", s, result, false);
      } catch (err) {
        result = failed("send", s, err, SOCKET_ERROR);
      }
    }
    return settle(ctx.pace, result);
  } finally {
    done();
  }
}

/**
 * recv(): bytes received (at most len), 0 when the peer closed gracefully, SOCKET_ERROR on an error. As on
 * Windows, a reset is not reported once: every recv after it fails with WSAECONNRESET.
 */
export function recv(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
  notAPromise("recv", "len", len);
  const done = begin(currentContext(), "recv", s);
  return recvNow(done, s, buf, len, flags);
}

async function recvNow(
  done: () => void,
  s: SOCKET,
  buf: Uint8Array,
  len: number,
  flags: number,
): Promise<number> {
  try {
    const ctx = currentContext();
    let result = usable(ctx, "recv", s) ?? badLength("recv", s, buf, len);
    if (result === undefined && flags !== 0) result = refuse("recv", s, "WSAEOPNOTSUPP", SOCKET_ERROR);
    if (result === undefined) {
      try {
        result = core.readSocket(ctx, toFd(s), buf, len, "always");
        while (result === core.WOULD_BLOCK) {
          ctx.io.onWait?.({ call: "recv", fd: s });
          await core.readable(ctx, toFd(s));
          waited(ctx.pace);
          result = core.readSocket(ctx, toFd(s), buf, len, "always");
        }
        moved(ctx, "recv", s, result);
        // 0 for a recv of 0 bytes is not the peer's end: it is not counted toward a busy loop.
        note(ctx.pace, "winsock", "recv", s, result, result === 0 && len > 0);
      } catch (err) {
        result = failed("recv", s, err, SOCKET_ERROR);
      }
    }
    return settle(ctx.pace, result);
  } finally {
    done();
  }
}

/** closesocket(): 0 or SOCKET_ERROR (WSAENOTSOCK for a handle that is not open). */
export function closesocket(s: SOCKET): number {
  assertIdle(currentContext(), "closesocket", s);
  const stop = precheck("closesocket", s);
  if (stop !== undefined) return stop;
  core.closeSocket(toFd(s));
  note(currentContext().pace, "winsock", "closesocket", s, 0, false);
  return ok("closesocket", s, 0);
}

/** getsockname(): the socket's own address. */
export function getsockname(s: SOCKET, addr: sockaddr_in): number {
  const stop = precheck("getsockname", s);
  if (stop !== undefined) return stop;
  const local = core.localAddress(toFd(s));
  addr.sin_family = AF_INET;
  addr.sin_port = htons(local.port);
  addr.sin_addr.s_addr = addressFromHost(local.host);
  return ok("getsockname", s, 0, { host: local.host, port: local.port });
}

/** The SOCKET handles this program still holds open. */
export function openSockets(): SOCKET[] {
  return core.openDescriptors().map(toSocket);
}

/**
 * The Winsock calls of the chapter's Windows listings, over the same real sockets as ../posix. What differs
 * is what Windows makes you do: WSAStartup before anything and WSACleanup at the end (calls outside that
 * window fail with WSANOTINITIALISED), SOCKET handles checked against INVALID_SOCKET, other calls against
 * SOCKET_ERROR, the reason read with WSAGetLastError(), send/recv with flags, closesocket.
 * @module
 */
import { layerCalls } from "../internal/calls.ts";
import { currentContext, record } from "../internal/context.ts";
import { byNumber, numbersOf } from "../internal/errno.ts";
import { openDescriptors } from "../internal/sockets.ts";
import { type sockaddr_in } from "../posix/byte-order.ts";
import { fromErrno, WSA, type WsaName } from "./errors.ts";

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
  SOCK_STREAM,
  sockaddr_in,
} from "../posix/byte-order.ts";
export { WSA, type WsaName } from "./errors.ts";

/** A Winsock handle. Unsigned on Windows; never compared with -1, only with INVALID_SOCKET. */
export type SOCKET = number;
/** (SOCKET)(~0): what socket() and accept() return on failure (32-bit Windows' value). */
export const INVALID_SOCKET: SOCKET = 0xffff_ffff;
/** What the other calls return on failure. */
export const SOCKET_ERROR = -1;

/** The named WSA error numbers: WSAE.WSAEADDRINUSE === 10048. */
export const WSAE = numbersOf(WSA);

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
    ctx.wsaLastError = WSA.WSANOTINITIALISED[0];
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
  const known = byNumber(WSA, n);
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

// A failed call returns SOCKET_ERROR (INVALID_SOCKET for socket and accept) and sets WSAGetLastError; every
// call needs a started Winsock and an open SOCKET; a reset is reported to every call after it, as on Windows.
const calls = layerCalls<WsaName>({
  style: "winsock",
  reset: "always",
  invalid: INVALID_SOCKET,
  length: "len",
  toFd,
  toHandle: toSocket,
  errorOf: (name) => fromErrno(name) ?? "WSAEINVAL",
  setError: (ctx, name) => {
    ctx.wsaLastError = WSA[name][0];
  },
  precheck: (ctx, s) => {
    if (ctx.wsaStartups === 0) return "WSANOTINITIALISED";
    return s !== undefined && !ctx.fds.has(toFd(s)) ? "WSAENOTSOCK" : undefined;
  },
});

/** socket(): a SOCKET, or INVALID_SOCKET. */
export const socket = (af: number, type: number, protocol: number): SOCKET =>
  calls.socket(af, type, protocol);

/** bind(): 0 or SOCKET_ERROR (WSAEADDRINUSE when the port is taken). */
export const bind = (s: SOCKET, addr: sockaddr_in, _namelen?: number): Promise<number> => calls.bind(s, addr);

/** listen(): 0 or SOCKET_ERROR. */
export const listen = (s: SOCKET, backlog: number): Promise<number> => calls.listen(s, backlog);

/** accept(): the next connection's SOCKET, or INVALID_SOCKET (WSAEINTR when the listener was closed meanwhile). */
export const accept = (s: SOCKET, addr?: sockaddr_in, _addrlen?: unknown): Promise<SOCKET> =>
  calls.accept(s, addr);

/** connect(): 0 or SOCKET_ERROR (WSAECONNREFUSED when nothing listens). */
export const connect = (s: SOCKET, addr: sockaddr_in, _namelen?: number): Promise<number> =>
  calls.connect(s, addr);

/**
 * send(): copies the bytes into the socket's send buffer and returns the count (waits while the peer does not
 * read), or SOCKET_ERROR. After a reset every send fails with WSAECONNRESET. Only flags 0 is supported.
 */
export const send = (s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> =>
  calls.write("send", s, buf, len, flags);

/**
 * recv(): bytes received (at most len), 0 when the peer closed gracefully, SOCKET_ERROR on an error. As on
 * Windows, a reset is not reported once: every recv after it fails with WSAECONNRESET.
 */
export const recv = (s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> =>
  calls.read("recv", s, buf, len, flags);

/** closesocket(): 0 or SOCKET_ERROR (WSAENOTSOCK for a handle that is not open). */
export const closesocket = (s: SOCKET): number => calls.close("closesocket", s);

/** getsockname(): the socket's own address. */
export const getsockname = (s: SOCKET, addr: sockaddr_in): number => calls.getsockname(s, addr);

/** The SOCKET handles this program still holds open. */
export function openSockets(): SOCKET[] {
  return openDescriptors().map(toSocket);
}

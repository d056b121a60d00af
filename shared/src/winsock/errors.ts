import type { ErrnoName } from "../internal/errno.ts";

/** Winsock's error numbers (winerror.h) and texts, for the errors these katas meet. */
export const WSA = {
  WSAEINTR: [10004, "A blocking operation was interrupted by a call to WSACancelBlockingCall."],
  WSAEBADF: [10009, "The file handle supplied is not valid."],
  WSAEACCES: [10013, "An attempt was made to access a socket in a way forbidden by its access permissions."],
  WSAEFAULT: [
    10014,
    "The system detected an invalid pointer address in attempting to use a pointer argument in a call.",
  ],
  WSAEINVAL: [10022, "An invalid argument was supplied."],
  WSAEMFILE: [10024, "Too many open sockets."],
  WSAEWOULDBLOCK: [10035, "A non-blocking socket operation could not be completed immediately."],
  WSAEALREADY: [
    10037,
    "An operation was attempted on a non-blocking socket that already had an operation in progress.",
  ],
  WSAENOTSOCK: [10038, "An operation was attempted on something that is not a socket."],
  WSAEPROTONOSUPPORT: [
    10043,
    "The requested protocol has not been configured into the system, or no implementation for it exists.",
  ],
  WSAESOCKTNOSUPPORT: [
    10044,
    "The support for the specified socket type does not exist in this address family.",
  ],
  WSAEOPNOTSUPP: [10045, "The attempted operation is not supported for the type of object referenced."],
  WSAEAFNOSUPPORT: [10047, "An address incompatible with the requested protocol was used."],
  WSAEADDRINUSE: [
    10048,
    "Only one usage of each socket address (protocol/network address/port) is normally permitted.",
  ],
  WSAEADDRNOTAVAIL: [10049, "The requested address is not valid in its context."],
  WSAENETUNREACH: [10051, "A socket operation was attempted to an unreachable network."],
  WSAECONNABORTED: [10053, "An established connection was aborted by the software in your host machine."],
  WSAECONNRESET: [10054, "An existing connection was forcibly closed by the remote host."],
  WSAEISCONN: [10056, "A connect request was made on an already connected socket."],
  WSAENOTCONN: [
    10057,
    "A request to send or receive data was disallowed because the socket is not connected.",
  ],
  WSAESHUTDOWN: [
    10058,
    "A request to send or receive data was disallowed because the socket had already been shut down.",
  ],
  WSAETIMEDOUT: [
    10060,
    "A connection attempt failed because the connected party did not properly respond after a period of time.",
  ],
  WSAECONNREFUSED: [10061, "No connection could be made because the target machine actively refused it."],
  WSAEHOSTUNREACH: [10065, "A socket operation was attempted to an unreachable host."],
  WSAVERNOTSUPPORTED: [10092, "The Windows Sockets version requested is not supported."],
  WSANOTINITIALISED: [10093, "Either the application has not called WSAStartup, or WSAStartup failed."],
} as const satisfies Record<string, readonly [number, string]>;

export type WsaName = keyof typeof WSA;

/** The errnos whose Windows error has another name; every other becomes WSA + its name, when Windows has one. */
const RENAMED: Partial<Record<ErrnoName, WsaName>> = {
  EBADF: "WSAENOTSOCK",
  EAGAIN: "WSAEWOULDBLOCK",
  EPIPE: "WSAECONNRESET",
};

/** Which WSA error a POSIX errno becomes on Windows; undefined when it has none (EPERM, EIO). */
export function fromErrno(name: ErrnoName): WsaName | undefined {
  const same = `WSA${name}`;
  return RENAMED[name] ?? (Object.hasOwn(WSA, same) ? (same as WsaName) : undefined);
}

/**
 * Linux errno numbers and strerror() texts for the errors these katas meet. The numbers are Linux's on every
 * platform, so a lesson reads the same on macOS and Windows.
 */
export const ERRNO = {
  EPERM: [1, "Operation not permitted"],
  EINTR: [4, "Interrupted system call"],
  EIO: [5, "Input/output error"],
  EBADF: [9, "Bad file descriptor"],
  EAGAIN: [11, "Resource temporarily unavailable"],
  EACCES: [13, "Permission denied"],
  EFAULT: [14, "Bad address"],
  EINVAL: [22, "Invalid argument"],
  EMFILE: [24, "Too many open files"],
  EPIPE: [32, "Broken pipe"],
  ENOTSOCK: [88, "Socket operation on non-socket"],
  EPROTONOSUPPORT: [93, "Protocol not supported"],
  ESOCKTNOSUPPORT: [94, "Socket type not supported"],
  EOPNOTSUPP: [95, "Operation not supported"],
  EAFNOSUPPORT: [97, "Address family not supported by protocol"],
  EADDRINUSE: [98, "Address already in use"],
  EADDRNOTAVAIL: [99, "Cannot assign requested address"],
  ENETUNREACH: [101, "Network is unreachable"],
  ECONNABORTED: [103, "Software caused connection abort"],
  ECONNRESET: [104, "Connection reset by peer"],
  EISCONN: [106, "Transport endpoint is already connected"],
  ENOTCONN: [107, "Transport endpoint is not connected"],
  ETIMEDOUT: [110, "Connection timed out"],
  ECONNREFUSED: [111, "Connection refused"],
  EHOSTUNREACH: [113, "No route to host"],
  EALREADY: [114, "Operation already in progress"],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrnoName = keyof typeof ERRNO;

/** The error a failed call leaves behind: C's errno, with its name and text. */
export interface SysError {
  readonly name: ErrnoName;
  readonly errno: number;
  readonly message: string;
}

export function sysError(name: ErrnoName): SysError {
  const [errno, message] = ERRNO[name];
  return { name, errno, message };
}

export function isErrnoName(code: unknown): code is ErrnoName {
  return typeof code === "string" && Object.hasOwn(ERRNO, code);
}

/** Turns a Node error (err.code) into the errno C would have set; unknown failures become EIO. */
export function fromNodeError(err: unknown): SysError {
  const code = (err as { code?: unknown } | null)?.code;
  if (isErrnoName(code)) return sysError(code);
  if (
    code === "ERR_SOCKET_CLOSED" ||
    code === "ERR_STREAM_DESTROYED" ||
    code === "ERR_STREAM_WRITE_AFTER_END"
  ) {
    return sysError("EPIPE");
  }
  if (code === "ERR_SOCKET_BAD_PORT") return sysError("EINVAL");
  return sysError("EIO");
}

type ErrorTable = Readonly<Record<string, readonly [number, string]>>;

/** A table's error numbers by name, as a C header has them: E.EADDRINUSE === 98. */
export function numbersOf<T extends ErrorTable>(table: T): { readonly [K in keyof T]: number } {
  return Object.fromEntries(Object.entries(table).map(([name, [n]]) => [name, n])) as {
    readonly [K in keyof T]: number;
  };
}

/** The name and text of error number n in a table (ERRNO, WSA), or undefined when it has none. */
export function byNumber(table: ErrorTable, n: number): { name: string; message: string } | undefined {
  const found = Object.entries(table).find(([, [code]]) => code === n);
  return found && { name: found[0], message: found[1][1] };
}

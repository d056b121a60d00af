/**
 * The socket calls of both layers, written once over the socket core: each checks its arguments as C does, waits
 * where C blocks, traces itself and counts toward a busy loop (./pace.ts). A Layer says what differs.
 */
import {
  addressFromHost,
  AF_INET,
  htons,
  inet_ntoa,
  IPPROTO_TCP,
  ntohs,
  PF_INET,
  SHUT_WR,
  SOCK_STREAM,
  type sockaddr_in,
} from "../posix/byte-order.ts";
import { currentContext, type ProgramContext, record, type TraceEvent, waiter } from "./context.ts";
import type { ErrnoName } from "./errno.ts";
import { type LayerStyle, note, settle, waited } from "./pace.ts";
import { assertIdle, begin, notAPromise, watchAwait } from "./pending.ts";
import * as core from "./sockets.ts";

export interface Layer<E extends string> {
  readonly style: LayerStyle;
  readonly reset: core.ResetReport;
  /** What socket() and accept() return on failure; the other calls return -1. */
  readonly invalid: number;
  /** The name of read's and write's length argument, as a MissingAwait lesson names it. */
  readonly length: string;
  readonly toFd: (handle: number) => number;
  readonly toHandle: (fd: number) => number;
  /** The layer's error for an errno. */
  readonly errorOf: (name: ErrnoName) => E;
  /** Leaves a failed call's error where the program reads it (errno, WSAGetLastError). */
  readonly setError: (ctx: ProgramContext, name: E) => void;
  /** The error a call fails with before it starts, or undefined. */
  readonly precheck: (ctx: ProgramContext, handle: number | undefined) => E | undefined;
}

const FAILED = -1;

/** Fills a sockaddr_in as accept(), getsockname() and getpeername() do; returns the address for the trace. */
function fill(addr: sockaddr_in | undefined, address: core.Address): TraceEvent["detail"] {
  if (addr) {
    addr.sin_family = AF_INET;
    addr.sin_port = htons(address.port);
    addr.sin_addr.s_addr = addressFromHost(address.host);
  }
  return { host: address.host, port: address.port };
}

export function layerCalls<E extends string>(layer: Layer<E>) {
  const { style, reset, toFd } = layer;

  /** A failed call: sets the layer's error, traces it, and counts it toward a busy loop on that handle. */
  function refuse(call: string, h: number | undefined, name: E, result = FAILED): number {
    const ctx = currentContext();
    layer.setError(ctx, name);
    if (ctx.tracing) record({ call, fd: h, result, error: name });
    note(ctx.pace, style, call, h ?? -1, -1, true, name);
    return result;
  }

  function refuseErrno(call: string, h: number | undefined, name: ErrnoName, result = FAILED): number {
    return refuse(call, h, layer.errorOf(name), result);
  }

  function failed(call: string, h: number | undefined, err: unknown, result = FAILED): number {
    if (!(err instanceof core.CallFailed)) throw err;
    return refuseErrno(call, h, err.error.name, result);
  }

  function stopped(call: string, h: number | undefined, result = FAILED): number | undefined {
    const name = layer.precheck(currentContext(), h);
    return name === undefined ? undefined : refuse(call, h, name, result);
  }

  function ok(call: string, h: number | undefined, result: number, detail?: TraceEvent["detail"]): number {
    if (currentContext().tracing) record({ call, fd: h, result, ...(detail ? { detail } : {}) });
    return result;
  }

  function address(call: string, h: number, addr: sockaddr_in): core.Address | number {
    if (addr.sin_family !== AF_INET) return refuseErrno(call, h, "EAFNOSUPPORT");
    return { host: inet_ntoa(addr.sin_addr), port: ntohs(addr.sin_port) };
  }

  /** bind, listen, accept, connect: marked as started at once, then checked and run. */
  function blocking(call: string, h: number, result: number, body: () => Promise<number>): Promise<number> {
    const done = begin(currentContext(), call, h);
    return (async () => {
      try {
        return stopped(call, h, result) ?? (await body());
      } catch (err) {
        return failed(call, h, err, result);
      } finally {
        done();
      }
    })();
  }

  /** The checks before a read or write: the layer's, the length, the flags (only 0 is supported). */
  function refused(
    ctx: ProgramContext,
    call: string,
    h: number,
    buf: Uint8Array,
    n: number,
    flags: number | undefined,
  ): number | undefined {
    const stop = layer.precheck(ctx, h);
    if (stop !== undefined) return refuse(call, h, stop);
    if (!Number.isInteger(n) || n < 0) return refuseErrno(call, h, "EINVAL");
    if (n > buf.length) return refuseErrno(call, h, "EFAULT");
    if (flags !== undefined && flags !== 0) return refuseErrno(call, h, "EOPNOTSUPP");
    return undefined;
  }

  // read and write are the hot calls: one async function, and the context passed down, not looked up again.
  async function transferNow(
    done: () => void,
    reading: boolean,
    call: string,
    h: number,
    buf: Uint8Array,
    n: number,
    flags?: number,
  ): Promise<number> {
    try {
      const ctx = currentContext();
      let result = refused(ctx, call, h, buf, n, flags);
      if (result === undefined) {
        try {
          if (reading) {
            result = core.readSocket(ctx, toFd(h), buf, n, reset);
            while (result === core.WOULD_BLOCK) {
              ctx.io.onWait?.({ call, fd: h });
              await core.readable(ctx, toFd(h));
              waited(ctx.pace);
              result = core.readSocket(ctx, toFd(h), buf, n, reset);
            }
          } else {
            const bytes = n === buf.length ? buf : buf.subarray(0, n);
            const answer = core.writeSocket(ctx, toFd(h), bytes, reset, waiter(ctx, call, h));
            if (typeof answer === "number") {
              result = answer;
            } else {
              result = await answer;
              waited(ctx.pace);
            }
          }
          if (ctx.tracing) record({ call, fd: h, result });
          // A read's 0 is the peer's end (not for a read of 0 bytes); a write is progress once it moved bytes.
          if (reading || result > 0) note(ctx.pace, style, call, h, result, reading && result === 0 && n > 0);
        } catch (err) {
          result = failed(call, h, err);
        }
      }
      return settle(ctx.pace, result);
    } finally {
      done();
    }
  }

  /** getsockname, getpeername, shutdown: calls that return at once, 0 or -1. */
  function now(call: string, h: number, run: (fd: number) => TraceEvent["detail"]): number {
    const stop = stopped(call, h);
    if (stop !== undefined) return stop;
    try {
      return ok(call, h, 0, run(toFd(h)));
    } catch (err) {
      return failed(call, h, err);
    }
  }

  return {
    socket(domain: number, type: number, protocol: number): number {
      const stop = stopped("socket", undefined, layer.invalid);
      if (stop !== undefined) return stop;
      if (domain !== PF_INET) return refuseErrno("socket", undefined, "EAFNOSUPPORT", layer.invalid);
      if (type !== SOCK_STREAM) return refuseErrno("socket", undefined, "ESOCKTNOSUPPORT", layer.invalid);
      if (protocol !== 0 && protocol !== IPPROTO_TCP)
        return refuseErrno("socket", undefined, "EPROTONOSUPPORT", layer.invalid);
      const h = layer.toHandle(core.openSocket());
      return ok("socket", h, h);
    },

    bind(h: number, addr: sockaddr_in): Promise<number> {
      return blocking("bind", h, FAILED, async () => {
        const target = address("bind", h, addr);
        if (typeof target === "number") return target;
        await core.bindSocket(toFd(h), target);
        return ok("bind", h, 0, { host: target.host, port: core.localAddress(toFd(h)).port });
      });
    },

    listen(h: number, backlog: number): Promise<number> {
      notAPromise("listen", "backlog", backlog);
      return blocking("listen", h, FAILED, async () => {
        const where = await core.listenSocket(toFd(h));
        return ok("listen", h, 0, { host: where.host, port: where.port, backlog });
      });
    },

    accept(h: number, addr?: sockaddr_in): Promise<number> {
      return blocking("accept", h, layer.invalid, async () => {
        const { fd, peer } = await core.acceptSocket(toFd(h), waiter(currentContext(), "accept", h));
        const conn = layer.toHandle(fd);
        note(currentContext().pace, style, "accept", conn, conn, false);
        return ok("accept", h, conn, fill(addr, peer));
      });
    },

    connect(h: number, addr: sockaddr_in): Promise<number> {
      return blocking("connect", h, FAILED, async () => {
        const target = address("connect", h, addr);
        if (typeof target === "number") return target;
        await core.connectSocket(toFd(h), target, waiter(currentContext(), "connect", h));
        return ok("connect", h, 0, { host: target.host, port: target.port });
      });
    },

    read(call: string, h: number, buf: Uint8Array, n: number, flags?: number): Promise<number> {
      notAPromise(call, layer.length, n);
      return transferNow(begin(currentContext(), call, h), true, call, h, buf, n, flags);
    },

    write(call: string, h: number, buf: Uint8Array, n: number, flags?: number): Promise<number> {
      notAPromise(call, layer.length, n);
      const ctx = currentContext();
      return watchAwait(ctx, call, h, transferNow(begin(ctx, call, h), false, call, h, buf, n, flags));
    },

    shutdown(h: number, how: number): number {
      if (how !== SHUT_WR) return refuseErrno("shutdown", h, "EINVAL");
      return now("shutdown", h, (fd) => {
        core.shutdownSocket(fd);
      });
    },

    close(call: string, h: number): number {
      assertIdle(currentContext(), call, h);
      return now(call, h, (fd) => {
        core.closeSocket(fd);
        note(currentContext().pace, style, call, h, 0, false);
      });
    },

    getsockname(h: number, addr: sockaddr_in): number {
      return now("getsockname", h, (fd) => fill(addr, core.localAddress(fd)));
    },

    getpeername(h: number, addr: sockaddr_in): number {
      return now("getpeername", h, (fd) => fill(addr, core.peerAddress(fd)));
    },
  };
}

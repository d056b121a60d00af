/**
 * Addresses as C sees them, shared by both layers: the constants, struct sockaddr_in, and byte order on a
 * little-endian machine (x86, ARM as usually run): htons/htonl swap bytes, and inet_addr returns the address
 * with its first octet in the lowest byte. The layers undo this with ntohs and inet_ntoa, so forgetting htons()
 * gives the same wrong port it gives in C.
 */
import { LessonError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";

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

/** A port or address given as it came from argv (a string): C's compiler refuses it, JavaScript would convert it. */
export class NotANumber extends LessonError {
  declare readonly code: "KATA_NOT_A_NUMBER";
  constructor(call: string, value: unknown) {
    // Single quotes: a test shows stderr with JSON's escapes, which would turn double ones into \".
    const got = typeof value === "string" ? `'${value}'` : String(value);
    super("NotANumber", "KATA_NOT_A_NUMBER", msg("order.notANumber", { call, got }));
  }
}

const swap16 = (call: string) => (hostShort: number) => {
  if (typeof hostShort !== "number") throw new NotANumber(call, hostShort);
  const v = hostShort & 0xffff;
  return ((v & 0xff) << 8) | (v >>> 8);
};
export const htons: (hostShort: number) => number = swap16("htons");
export const ntohs: (netShort: number) => number = swap16("ntohs");

const swap32 = (call: string) => (hostLong: number) => {
  if (typeof hostLong !== "number") throw new NotANumber(call, hostLong);
  const v = hostLong >>> 0;
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
};
export const htonl: (hostLong: number) => number = swap32("htonl");
export const ntohl: (netLong: number) => number = swap32("ntohl");

/** C's INADDR_NONE: what inet_addr returns for a string that is not an IPv4 address. */
export const INADDR_NONE = 0xffff_ffff;
/** 0.0.0.0: every local address. */
export const INADDR_ANY = 0;

/**
 * C's inet_addr: a dotted-quad string to an address in network order, or INADDR_NONE. Never a name lookup:
 * "localhost" and "999.1.1.1" both give INADDR_NONE at once. (C also takes forms such as "127.1"; this takes
 * the four-part decimal form only.)
 */
export function inet_addr(text: string): number {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!parts) return INADDR_NONE;
  const octets = parts.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return INADDR_NONE;
  const [a, b, c, d] = octets as [number, number, number, number];
  return (a | (b << 8) | (c << 16) | (d << 24)) >>> 0;
}

/** C's inet_ntoa: an address in network order back to its dotted-quad string. */
export function inet_ntoa(addr: { s_addr: number }): string {
  const v = addr.s_addr >>> 0;
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join(".");
}

/** An IPv4 address in dotted-quad form; names (localhost) are refused, as inet_addr refuses them. */
export function isIPv4(text: string): boolean {
  return inet_addr(text) !== INADDR_NONE || text === "255.255.255.255";
}

/** The network-order form of a dotted quad, used when the layers fill a sockaddr_in. */
export function addressFromHost(host: string): number {
  return isIPv4(host) ? inet_addr(host) : 0;
}

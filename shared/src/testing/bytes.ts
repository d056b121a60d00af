import { KataError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";

const ESCAPES: Record<number, string> = {
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x00: "\\0",
  0x22: '\\"',
  0x5c: "\\\\",
};

function toBytes(value: Uint8Array | string): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
}

/** The bytes written out for reading: printable UTF-8 as text, everything else escaped, no quotes. */
function escapeBytes(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  // Not valid UTF-8: every byte on its own, and those above 0x7f escaped too.
  const utf8 = Buffer.from(text, "utf8").equals(bytes);
  let shown = "";
  for (const ch of utf8 ? text : bytes.toString("latin1")) {
    const code = ch.codePointAt(0) ?? 0;
    const hex = code < 0x20 || code === 0x7f || (!utf8 && code > 0x7f);
    shown += ESCAPES[code] ?? (hex ? `\\x${code.toString(16).padStart(2, "0")}` : ch);
  }
  return shown;
}

/** Bytes as a learner can read them, with their count: `"hello\n" (6 bytes)`; a long value keeps head and tail. */
export function describeBytes(value: Uint8Array | string, max = 200): string {
  const bytes = toBytes(value);
  let shown = escapeBytes(bytes);
  if (shown.length > max) shown = `${shown.slice(0, max / 2)}…${shown.slice(-max / 2)}`;
  const count = msg(bytes.length === 1 ? "bytes.count.one" : "bytes.count.other", { n: bytes.length });
  return `"${shown}" (${count})`;
}

/** Where two byte strings first differ, or -1 if they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** How many bytes of context the diff shows on each side of the first difference. */
const CONTEXT = 24;

/**
 * The bytes around `at`: up to CONTEXT before, a `|` at the difference, up to CONTEXT after, with `…` where
 * the value goes on: `…"llo" | " World!"` or `"Hello" | (end)`. A cut never splits a UTF-8 character.
 */
function around(bytes: Buffer, at: number): string {
  let from = Math.max(0, at - CONTEXT);
  while (from > 0 && from < at && ((bytes[from] ?? 0) & 0xc0) === 0x80) from--;
  let to = Math.min(bytes.length, at + CONTEXT);
  while (to < bytes.length && ((bytes[to] ?? 0) & 0xc0) === 0x80) to++;
  const before = at > 0 ? `${from > 0 ? "…" : ""}"${escapeBytes(bytes.subarray(from, at))}" ` : "";
  const after =
    at >= bytes.length
      ? msg("bytes.end")
      : `"${escapeBytes(bytes.subarray(at, to))}"${to < bytes.length ? "…" : ""}`;
  return `${before}| ${after}`;
}

/** Columns a label takes on a terminal: Hangul and other wide characters take two. */
function width(text: string): number {
  let n = 0;
  for (const ch of text)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/u.test(ch) ? 2 : 1;
  return n;
}

/** The message of a byte-exact comparison: both values, where they first differ, and each one's bytes around it. */
export function bytesDiff(what: string, expected: Uint8Array | string, got: Uint8Array | string): string {
  const e = toBytes(expected);
  const g = toBytes(got);
  const at = firstDifference(e, g);
  if (at === -1) return msg("bytes.asExpected", { what, bytes: describeBytes(e) });
  const labels = [msg("bytes.expected"), msg("bytes.got")] as const;
  const pad = Math.max(...labels.map(width));
  const [le, lg] = labels.map((l) => l + " ".repeat(pad - width(l))) as [string, string];
  return [
    msg("bytes.notExpected", { what }),
    `  ${le} ${describeBytes(e)}`,
    `  ${lg} ${describeBytes(g)}`,
    `  ${msg("bytes.firstDifference", { at })}`,
    `    ${le} ${around(e, at)}`,
    `    ${lg} ${around(g, at)}`,
  ].join("\n");
}

/** Throws a readable assertion error unless `got` is byte for byte `expected`. */
export function expectBytes(
  got: Uint8Array | string,
  expected: Uint8Array | string,
  what = "The output",
): void {
  const e = toBytes(expected);
  const g = toBytes(got);
  // Buffer.equals first: a byte-by-byte search over tens of MiB costs a third of a second.
  if (!e.equals(g)) throw new BytesMismatch(bytesDiff(what, e, g));
}

/** Two byte strings that should be equal are not (code KATA_BYTES). */
export class BytesMismatch extends KataError {
  declare readonly code: "KATA_BYTES";

  constructor(message: string) {
    super("BytesMismatch", "KATA_BYTES", message);
  }
}

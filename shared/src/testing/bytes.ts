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

/**
 * Bytes as a learner can read them: printable UTF-8 as text, everything else escaped, and the byte count:
 * `"hello\n" (6 bytes)`. Long values keep their head and tail.
 */
export function describeBytes(value: Uint8Array | string, max = 200): string {
  const bytes = toBytes(value);
  const text = bytes.toString("utf8");
  const clean = Buffer.from(text, "utf8").equals(bytes);
  let shown = "";
  if (clean) {
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 0;
      shown +=
        ESCAPES[code] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch);
    }
  } else {
    for (const b of bytes)
      shown +=
        b >= 0x20 && b < 0x7f && !ESCAPES[b]
          ? String.fromCharCode(b)
          : (ESCAPES[b] ?? `\\x${b.toString(16).padStart(2, "0")}`);
  }
  if (shown.length > max) shown = `${shown.slice(0, max / 2)}…${shown.slice(-max / 2)}`;
  const n = bytes.length;
  return `"${shown}" (${n} byte${n === 1 ? "" : "s"})`;
}

/** Where two byte strings first differ, or -1 if they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The message of a byte-exact comparison: what was expected, what came, where they part. */
export function bytesDiff(what: string, expected: Uint8Array | string, got: Uint8Array | string): string {
  const e = toBytes(expected);
  const g = toBytes(got);
  const at = firstDifference(e, g);
  if (at === -1) return `${what}: as expected, ${describeBytes(e)}`;
  const context = (b: Buffer) => describeBytes(b.subarray(Math.max(0, at - 10), at + 20), 80);
  return [
    `${what} is not what was expected.`,
    `  expected: ${describeBytes(e)}`,
    `  got:      ${describeBytes(g)}`,
    `  first difference at byte ${at}: expected ${context(e)} there, got ${context(g)}`,
  ].join("\n");
}

/** Throws a readable assertion error unless `got` is byte for byte `expected`. */
export function expectBytes(
  got: Uint8Array | string,
  expected: Uint8Array | string,
  what = "The output",
): void {
  if (firstDifference(toBytes(expected), toBytes(got)) !== -1)
    throw new BytesMismatch(bytesDiff(what, expected, got));
}

export class BytesMismatch extends Error {
  override readonly name = "BytesMismatch";
}

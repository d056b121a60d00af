import { deflateRawSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { crc32, unzip } from "../src/zip.mjs";
import { makeZip } from "./helpers.ts";

/** The message of the Error that `run` throws. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return e instanceof Error ? e.message : `not an Error: ${String(e)}`;
  }
  return "nothing thrown";
}

describe("unzip", () => {
  it("reads deflated and stored entries and leaves folders out", () => {
    const files = unzip(
      makeZip([
        { name: "pr.json", data: '{"number":1}' },
        { name: "review.md", data: "# ✅ 리뷰\n".repeat(100), stored: true },
        { name: "sub/", data: "", stored: true },
      ]),
    );
    expect([...files.keys()]).toEqual(["pr.json", "review.md"]);
    expect(files.get("pr.json")?.toString()).toBe('{"number":1}');
    expect(files.get("review.md")?.toString()).toBe("# ✅ 리뷰\n".repeat(100));
  });

  it("knows CRC-32's check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("refuses a bomb: more inflated bytes than allowed, or than declared", () => {
    const big = makeZip([{ name: "review.md", data: Buffer.alloc(5 * 1024 * 1024) }]);
    expect(failure(() => unzip(big))).toMatch(/review\.md is 5242880 bytes \(at most 4194304\)/);
    // The same data, declared small: inflating stops one byte past the declared size.
    const lying = makeZip([{ name: "review.md", data: Buffer.alloc(1024) }]);
    const central = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(10, central + 24);
    expect(failure(() => unzip(lying))).toMatch(/review\.md/);
  });

  it("refuses a damaged entry, too many entries, and what is not a zip", () => {
    const zip = makeZip([{ name: "a", data: "hello hello hello", stored: true }]);
    zip.writeUInt8(zip.readUInt8(30 + 1 + 2) ^ 0xff, 30 + 1 + 2);
    expect(failure(() => unzip(zip))).toMatch(/a: CRC mismatch/);
    const many = makeZip(Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    expect(failure(() => unzip(many))).toMatch(/65 entries/);
    expect(failure(() => unzip(Buffer.from("not a zip at all, but long enough to look")))).toMatch(
      /no end-of-central/,
    );
    expect(failure(() => unzip(deflateRawSync(Buffer.from("x".repeat(100)))))).toMatch(/not a zip/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { impl } from "@tcp-katas/vitest-config/impl";
import { afterAll, describe, expect, it } from "vitest";

import { pcapFile, toBigEndian } from "./build.ts";
import { expectOneLine, fixtureBytes, FIXTURES, runDissect, tcpdumpLines, thrown } from "./helpers.ts";

type Pcap = typeof import("../solution/pcap.ts");
type Errors = typeof import("../solution/errors.ts");
type Dissect = typeof import("../solution/dissect.ts");
const { parsePcap } = await impl<Pcap>("pcap.ts");
const { CaptureError } = await impl<Errors>("errors.ts");
const { main } = await impl<Dissect>("dissect.ts");

const LINK_TYPES: Record<string, number> = { ethernet: 1, "cooked-v1": 113, "cooked-v2": 276 };

const tmp = mkdtempSync(path.join(tmpdir(), "dissect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, bytes: Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const PCAPNG = Buffer.from("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000", "hex");

describe("stage 1: the capture file", () => {
  it.each(FIXTURES)("%s.pcap: the global header and every record", (name) => {
    const pcap = parsePcap(fixtureBytes(name));
    expect(pcap.byteOrder).toBe("little-endian");
    expect(pcap.precision).toBe(name.endsWith("-nano") ? "nano" : "micro");
    expect(pcap.version).toBe("2.4");
    expect(pcap.snapLength).toBe(262144);
    const kind = Object.keys(LINK_TYPES).find((k) => name.includes(k)) ?? "";
    expect(pcap.linkType, `the link type of ${name}.pcap`).toBe(LINK_TYPES[kind]);
    // The fixtures were captured with a TCP filter: tcpdump printed one line per record.
    expect(pcap.records).toHaveLength(tcpdumpLines(name).length);
    for (const [i, r] of pcap.records.entries()) {
      expect(r.number).toBe(i + 1);
      expect(r.data).toHaveLength(r.capturedLength);
      expect(r.originalLength).toBe(r.capturedLength);
      expect(r.seconds).toBeGreaterThan(1_700_000_000);
      expect(r.fraction).toBeLessThan(pcap.precision === "nano" ? 1e9 : 1e6);
    }
  });

  it("reads each field of a record, in the file's byte order (little- and big-endian)", () => {
    const frames = [Buffer.from("first frame"), Buffer.from("second")];
    const records = [
      { data: frames[0]!, seconds: 1_764_300_000, fraction: 123_456, originalLength: 60 },
      { data: frames[1]!, seconds: 1_764_300_001, fraction: 999_999 },
    ];
    for (const bigEndian of [false, true]) {
      const pcap = parsePcap(pcapFile(228, records, { bigEndian, snapLength: 65535 }));
      expect(pcap.byteOrder).toBe(bigEndian ? "big-endian" : "little-endian");
      expect(pcap).toMatchObject({ precision: "micro", version: "2.4", snapLength: 65535, linkType: 228 });
      expect(pcap.records.map((r) => ({ ...r, data: r.data.toString() }))).toEqual([
        {
          number: 1,
          seconds: 1_764_300_000,
          fraction: 123_456,
          capturedLength: 11,
          originalLength: 60,
          data: "first frame",
        },
        {
          number: 2,
          seconds: 1_764_300_001,
          fraction: 999_999,
          capturedLength: 6,
          originalLength: 6,
          data: "second",
        },
      ]);
    }
  });

  it("tells microsecond from nanosecond files by the magic number, in both byte orders", () => {
    const nano = pcapFile(1, [{ data: Buffer.alloc(14), fraction: 999_999_999 }], { nano: true });
    expect(parsePcap(nano)).toMatchObject({ precision: "nano", byteOrder: "little-endian" });
    expect(parsePcap(toBigEndian(nano))).toMatchObject({ precision: "nano", byteOrder: "big-endian" });
    expect(parsePcap(toBigEndian(nano)).records[0]?.fraction).toBe(999_999_999);
  });

  it("reads a fixture written big-endian to the same records", () => {
    const little = parsePcap(fixtureBytes("hello-ipv4-ethernet"));
    const big = parsePcap(toBigEndian(fixtureBytes("hello-ipv4-ethernet")));
    expect(big.byteOrder).toBe("big-endian");
    expect(big.records.map((r) => r.data.toString("hex"))).toEqual(
      little.records.map((r) => r.data.toString("hex")),
    );
    expect(big.records.map((r) => r.seconds)).toEqual(little.records.map((r) => r.seconds));
  });

  it("reads a capture with no packets", () => {
    expect(parsePcap(pcapFile(1, [])).records).toEqual([]);
  });

  it("a record with no captured bytes is still a record, even at the very end of the file", () => {
    const records = parsePcap(pcapFile(1, [Buffer.from("frame"), Buffer.alloc(0)])).records;
    expect(records.map((r) => [r.number, r.capturedLength, r.data.toString()])).toEqual([
      [1, 5, "frame"],
      [2, 0, ""],
    ]);
  });

  it("a record as long as the snapshot length is whole; a snapshot length of 0 limits nothing (tcpdump reads both)", () => {
    const full = parsePcap(pcapFile(1, [Buffer.alloc(64, 1)], { snapLength: 64 }));
    expect(full.records.map((r) => r.capturedLength)).toEqual([64]);
    const unset = parsePcap(pcapFile(1, [Buffer.alloc(100, 1), Buffer.alloc(70000, 2)], { snapLength: 0 }));
    expect(unset.snapLength).toBe(0);
    expect(unset.records.map((r) => r.capturedLength)).toEqual([100, 70000]);
  });

  const good = () => fixtureBytes("hello-ipv4-ethernet");
  const bad: [string, () => Buffer, RegExp][] = [
    ["an empty file", () => Buffer.alloc(0), /empty/],
    ["a pcapng file", () => PCAPNG, /pcapng.*tcpdump -w.*editcap -F pcap/],
    ["a text file", () => Buffer.from("Hello World! This is no capture.\n"), /not a pcap file.*magic/],
    [
      "a file cut inside the global header",
      () => good().subarray(0, 20),
      /truncated.*global header.*20 of .*24/,
    ],
    [
      "a file cut inside a record header",
      () => Buffer.concat([good(), Buffer.alloc(9)]),
      /truncated.*packet 9.*record header.*9 of .*16/,
    ],
    ["a file cut inside a record's data", () => good().subarray(0, good().length - 3), /truncated.*packet 8/],
    [
      "a record that has 7 of its 10 bytes",
      () => pcapFile(1, [Buffer.alloc(10)]).subarray(0, 24 + 16 + 7),
      /truncated.*packet 1\b.*\b7 of\b.*\b10\b/,
    ],
    ["a file of 3 bytes", () => Buffer.from("d4c3b2", "hex"), /not a pcap file.*\b3 bytes/],
    [
      "a file of a magic number only",
      () => Buffer.from("d4c3b2a1", "hex"),
      /truncated.*global header.*\b4 of .*24/,
    ],
    [
      "a file whose first bytes are 00 01 02 03",
      () => Buffer.concat([Buffer.from("00010203", "hex"), Buffer.alloc(40)]),
      /not a pcap file.*00010203/,
    ],
    [
      "a record longer than the snapshot length",
      () => pcapFile(1, [Buffer.alloc(100)], { snapLength: 64 }),
      /packet 1.*100.*snapshot length 64/,
    ],
  ];

  it.each(bad)("refuses %s with a CaptureError that says what is wrong", (_what, bytes, message) => {
    const err = thrown(() => parsePcap(bytes()));
    expect(err).toBeInstanceOf(CaptureError);
    expect(err.name, "the name a stack trace shows").toBe("CaptureError");
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain("\n");
  });

  it.each(bad)(
    "dissect.ts: %s is one line on stderr, exit 1, nothing on stdout",
    async (what, bytes, message) => {
      const p = file(`${what.replaceAll(" ", "-")}.pcap`, bytes());
      const ran = await runDissect(main, [p]);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toBe("");
      expectOneLine(ran.stderr);
      expect(ran.stderr).toMatch(message);
      expect(ran.stderr.startsWith(`${p}: `)).toBe(true);
    },
  );

  it("dissect.ts: a file that does not exist is one line naming it, exit 1", async () => {
    const missing = path.join(tmp, "missing.pcap");
    const ran = await runDissect(main, [missing]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`${missing}: cannot read it: no such file or directory (ENOENT)\n`);
  });

  it.each([
    [[]],
    [["a.pcap", "b.pcap"]],
    [["--follow"]],
    [["--verbose", "a.pcap"]],
    [["--follow", "--follow", "a.pcap"]],
    [["--follow", "--follow"]],
  ])("dissect.ts with the arguments %j prints the Usage line and exits 1", async (args) => {
    const ran = await runDissect(main, args);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe("Usage : dissect.ts [--follow] <file.pcap>\n");
  });
});

// Stage 1: pcap.ts, the capture file. What it must do:
//   - parsePcap(bytes) reads a classic pcap file, in either byte order, into
//     { byteOrder: "little-endian" | "big-endian", precision: "micro" | "nano", version: "2.4", snapLength,
//       linkType, records }, each record { number (1 for the first), seconds, fraction, capturedLength,
//       originalLength, data (a Buffer of capturedLength bytes) }. The magic a1b2c3d4 is micro, a1b23c4d nano.
//   - a capture with no packets has no records; a record of 0 bytes is a record (even the last one); a record as
//     long as the snapshot length is whole; a snapshot length of 0 limits nothing.
//   - for every committed fixture: little-endian, micro (nano for `-nano`), 2.4, the link type of its name, one
//     record per line tcpdump printed; the snapshot length of its name (`-s90`: 90), 262144 without one; each
//     record's capturedLength its originalLength without a snapshot length, at most the smaller of the two with
//     one, and in a capture with a snapshot length some record cut by it (originalLength above capturedLength).
//   - a bad file throws a CaptureError (errors.ts; its name "CaptureError"), one line (no "\n"), whose message
//     matches, for:
//       an empty file                               /empty/
//       a pcapng file                               /pcapng.*tcpdump -w.*editcap -F pcap/
//       a text file                                 /not a pcap file.*magic/
//       a file cut inside the global header         /truncated.*global header.*20 of .*24/
//       a file cut inside a record header           /truncated.*packet 9.*record header.*9 of .*16/
//       a file cut inside a record's data           /truncated.*packet 8/
//       a record that has 7 of its 10 bytes         /truncated.*packet 1\b.*\b7 of\b.*\b10\b/
//       a file of 3 bytes                           /not a pcap file.*\b3 bytes/
//       a file of a magic number only               /truncated.*global header.*\b4 of .*24/
//       a file whose first bytes are 00 01 02 03    /not a pcap file.*00010203/
//       a record longer than the snapshot length    /packet 1.*100.*snapshot length 64/
// dissect.ts (given, the same in starter/ and solution/), run behind the boundary:
//   - on each bad file above: exit 1, nothing on stdout, one line on stderr (no stack trace) that starts with
//     `<file>: ` and matches the same pattern;
//   - (given code, so not tested here but by the project's fault suite, `pnpm kata dev check 04-1`): a file that
//     does not exist: exit 1, stderr exactly `<file>: cannot read it: no such file or directory (ENOENT)\n`; the
//     arguments [], ["a.pcap", "b.pcap"], ["--follow"], ["--verbose", "a.pcap"], ["--follow", "--follow",
//     "a.pcap"] and ["--follow", "--follow"]: exit 1, stderr exactly `Usage : dissect.ts [--follow] <file.pcap>\n`.
// The parsers are called directly, behind the boundary (load(): a worker, 3 s per call); values cross by
// structured clone, so a record's data comes back as a Buffer and the error as one of class CaptureError.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expectBytes, load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { afterAll, describe, expect, it } from "vitest";

import { pcapFile, toBigEndian } from "./build.ts";
import {
  expectOneLine,
  fixtureBytes,
  FIXTURES,
  runDissect,
  snapshotOf,
  STDERR,
  STDOUT,
  tcpdumpLines,
  thrown,
} from "./helpers.ts";

type Pcap = typeof import("../solution/pcap.ts");
type Errors = typeof import("../solution/errors.ts");
const { parsePcap } = load<Pcap>(program("pcap.ts"));
const { CaptureError } = load<Errors>(program("errors.ts"));

const LINK_TYPES: Record<string, number> = { ethernet: 1, "cooked-v1": 113, "cooked-v2": 276 };

const tmp = mkdtempSync(path.join(tmpdir(), "dissect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, bytes: Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const PCAPNG = Buffer.from("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000", "hex");

describe(t({ en: "stage 1: the capture file", ko: "1단계: 캡처 파일" }), () => {
  it.each(FIXTURES)(
    t({ en: "%s.pcap: the global header and every record", ko: "%s.pcap: 전역 헤더와 모든 레코드" }),
    (name) => {
      const pcap = parsePcap(fixtureBytes(name));
      expect(pcap.byteOrder, t({ en: "byteOrder", ko: "byteOrder(바이트 순서)" })).toBe("little-endian");
      expect(pcap.precision, t({ en: "precision", ko: "precision(정밀도)" })).toBe(
        name.endsWith("-nano") ? "nano" : "micro",
      );
      expect(pcap.version, t({ en: "version", ko: "version(버전)" })).toBe("2.4");
      // tcpdump -s 90 writes 90; without -s, tcpdump's default, 262144.
      const snap = snapshotOf(name);
      expect(pcap.snapLength, t({ en: "snapLength", ko: "snapLength(스냅샷 길이)" })).toBe(snap ?? 262144);
      const kind = Object.keys(LINK_TYPES).find((k) => name.includes(k)) ?? "";
      expect(pcap.linkType, t({ en: `the link type of ${name}.pcap`, ko: `${name}.pcap의 링크 타입` })).toBe(
        LINK_TYPES[kind],
      );
      // The fixtures were captured with a TCP filter: tcpdump printed one line per record.
      expect(
        pcap.records,
        t({
          en: "the records (tcpdump printed one line each)",
          ko: "레코드(tcpdump가 하나마다 한 줄씩 출력함)",
        }),
      ).toHaveLength(tcpdumpLines(name).length);
      for (const [i, r] of pcap.records.entries()) {
        const which = t({ en: `record ${i + 1}`, ko: `${i + 1}번째 레코드` });
        expect(r.number, `${which}: number`).toBe(i + 1);
        expect(r.data, `${which}: data`).toHaveLength(r.capturedLength);
        // What the snapshot length left of the packet: all of it without one; never more than the packet or the
        // snapshot length (Linux may keep a little less: 74 bytes of a 78-byte frame with -s 76 on lo).
        if (snap === undefined) expect(r.capturedLength, `${which}: capturedLength`).toBe(r.originalLength);
        else
          expect(r.capturedLength, `${which}: capturedLength`).toBeLessThanOrEqual(
            Math.min(r.originalLength, snap),
          );
        expect(r.seconds, `${which}: seconds`).toBeGreaterThan(1_700_000_000);
        expect(r.fraction, `${which}: fraction`).toBeLessThan(pcap.precision === "nano" ? 1e9 : 1e6);
      }
      // A capture with a snapshot length has packets it cut: their original length is the larger.
      expect(
        pcap.records.some((r) => r.originalLength > r.capturedLength),
        t({
          en: "some record's originalLength is above its capturedLength (the snapshot length cut the packet)",
          ko: "originalLength가 capturedLength보다 큰 레코드가 있다(스냅샷 길이가 패킷을 자름)",
        }),
      ).toBe(snap !== undefined);
    },
  );

  it(
    t({
      en: "reads each field of a record, in the file's byte order (little- and big-endian)",
      ko: "레코드의 각 필드를 파일의 바이트 순서로 읽는다(리틀 엔디안과 빅 엔디안)",
    }),
    () => {
      const frames = [Buffer.from("first frame"), Buffer.from("second")];
      const records = [
        { data: frames[0]!, seconds: 1_764_300_000, fraction: 123_456, originalLength: 60 },
        { data: frames[1]!, seconds: 1_764_300_001, fraction: 999_999 },
      ];
      for (const bigEndian of [false, true]) {
        const order = bigEndian ? "big-endian" : "little-endian";
        const pcap = parsePcap(pcapFile(228, records, { bigEndian, snapLength: 65535 }));
        expect(pcap.byteOrder, "byteOrder").toBe(order);
        expect(pcap, t({ en: `the ${order} file's header`, ko: `${order} 파일의 헤더` })).toMatchObject({
          precision: "micro",
          version: "2.4",
          snapLength: 65535,
          linkType: 228,
        });
        expect(
          pcap.records.map((r) => ({ ...r, data: r.data.toString() })),
          t({ en: `the ${order} file's records`, ko: `${order} 파일의 레코드` }),
        ).toEqual([
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
    },
  );

  it(
    t({
      en: "tells microsecond from nanosecond files by the magic number, in both byte orders",
      ko: "매직 넘버로 마이크로초 파일과 나노초 파일을 바이트 순서와 상관없이 가려낸다",
    }),
    () => {
      const nano = pcapFile(1, [{ data: Buffer.alloc(14), fraction: 999_999_999 }], { nano: true });
      expect(parsePcap(nano)).toMatchObject({ precision: "nano", byteOrder: "little-endian" });
      expect(parsePcap(toBigEndian(nano))).toMatchObject({ precision: "nano", byteOrder: "big-endian" });
      expect(
        parsePcap(toBigEndian(nano)).records[0]?.fraction,
        t({ en: "the big-endian record's fraction", ko: "빅 엔디안 레코드의 fraction" }),
      ).toBe(999_999_999);
    },
  );

  it(
    t({
      en: "reads a fixture written big-endian to the same records",
      ko: "빅 엔디안으로 다시 쓴 픽스처도 같은 레코드로 읽는다",
    }),
    () => {
      const little = parsePcap(fixtureBytes("hello-ipv4-ethernet"));
      const big = parsePcap(toBigEndian(fixtureBytes("hello-ipv4-ethernet")));
      expect(big.byteOrder, "byteOrder").toBe("big-endian");
      expect(
        big.records.map((r) => r.data.toString("hex")),
        t({ en: "each record's data", ko: "각 레코드의 data" }),
      ).toEqual(little.records.map((r) => r.data.toString("hex")));
      expect(
        big.records.map((r) => r.seconds),
        t({ en: "each record's seconds", ko: "각 레코드의 seconds" }),
      ).toEqual(little.records.map((r) => r.seconds));
    },
  );

  it(t({ en: "reads a capture with no packets", ko: "패킷이 하나도 없는 캡처도 읽는다" }), () => {
    expect(parsePcap(pcapFile(1, [])).records, "records").toEqual([]);
  });

  it(
    t({
      en: "a record with no captured bytes is still a record, even at the very end of the file",
      ko: "캡처된 바이트가 없는 레코드도 레코드다. 파일의 맨 끝에 있어도 그렇다",
    }),
    () => {
      const records = parsePcap(pcapFile(1, [Buffer.from("frame"), Buffer.alloc(0)])).records;
      expect(
        records.map((r) => [r.number, r.capturedLength, r.data.toString()]),
        t({
          en: "[number, capturedLength, data] of each record",
          ko: "각 레코드의 [number, capturedLength, data]",
        }),
      ).toEqual([
        [1, 5, "frame"],
        [2, 0, ""],
      ]);
    },
  );

  it(
    t({
      en: "a record as long as the snapshot length is whole; a snapshot length of 0 limits nothing (tcpdump reads both)",
      ko: "스냅샷 길이와 같은 길이의 레코드는 온전하고, 스냅샷 길이 0은 아무것도 제한하지 않는다(tcpdump는 둘 다 읽는다)",
    }),
    () => {
      const full = parsePcap(pcapFile(1, [Buffer.alloc(64, 1)], { snapLength: 64 }));
      expect(
        full.records.map((r) => r.capturedLength),
        t({
          en: "capturedLength with a snapshot length of 64",
          ko: "스냅샷 길이가 64일 때의 capturedLength",
        }),
      ).toEqual([64]);
      const unset = parsePcap(pcapFile(1, [Buffer.alloc(100, 1), Buffer.alloc(70000, 2)], { snapLength: 0 }));
      expect(unset.snapLength, "snapLength").toBe(0);
      expect(
        unset.records.map((r) => r.capturedLength),
        t({ en: "capturedLength with a snapshot length of 0", ko: "스냅샷 길이가 0일 때의 capturedLength" }),
      ).toEqual([100, 70000]);
    },
  );

  const good = () => fixtureBytes("hello-ipv4-ethernet");
  const bad: [string, () => Buffer, RegExp][] = [
    [t({ en: "an empty file", ko: "빈 파일" }), () => Buffer.alloc(0), /empty/],
    [t({ en: "a pcapng file", ko: "pcapng 파일" }), () => PCAPNG, /pcapng.*tcpdump -w.*editcap -F pcap/],
    [
      t({ en: "a text file", ko: "텍스트 파일" }),
      () => Buffer.from("Hello World! This is no capture.\n"),
      /not a pcap file.*magic/,
    ],
    [
      t({ en: "a file cut inside the global header", ko: "전역 헤더 중간에서 잘린 파일" }),
      () => good().subarray(0, 20),
      /truncated.*global header.*20 of .*24/,
    ],
    [
      t({ en: "a file cut inside a record header", ko: "레코드 헤더 중간에서 잘린 파일" }),
      () => Buffer.concat([good(), Buffer.alloc(9)]),
      /truncated.*packet 9.*record header.*9 of .*16/,
    ],
    [
      t({ en: "a file cut inside a record's data", ko: "레코드 데이터 중간에서 잘린 파일" }),
      () => good().subarray(0, good().length - 3),
      /truncated.*packet 8/,
    ],
    [
      t({ en: "a record that has 7 of its 10 bytes", ko: "10바이트 가운데 7바이트만 있는 레코드" }),
      () => pcapFile(1, [Buffer.alloc(10)]).subarray(0, 24 + 16 + 7),
      /truncated.*packet 1\b.*\b7 of\b.*\b10\b/,
    ],
    [
      t({ en: "a file of 3 bytes", ko: "3바이트짜리 파일" }),
      () => Buffer.from("d4c3b2", "hex"),
      /not a pcap file.*\b3 bytes/,
    ],
    [
      t({ en: "a file of a magic number only", ko: "매직 넘버만 있는 파일" }),
      () => Buffer.from("d4c3b2a1", "hex"),
      /truncated.*global header.*\b4 of .*24/,
    ],
    [
      t({ en: "a file whose first bytes are 00 01 02 03", ko: "첫 바이트들이 00 01 02 03인 파일" }),
      () => Buffer.concat([Buffer.from("00010203", "hex"), Buffer.alloc(40)]),
      /not a pcap file.*00010203/,
    ],
    [
      t({ en: "a record longer than the snapshot length", ko: "스냅샷 길이보다 긴 레코드" }),
      () => pcapFile(1, [Buffer.alloc(100)], { snapLength: 64 }),
      /packet 1.*100.*snapshot length 64/,
    ],
  ];

  it.each(bad)(
    t({
      en: "refuses %s with a CaptureError that says what is wrong",
      ko: "%s: 무엇이 잘못됐는지 말하는 CaptureError로 거부한다",
    }),
    (_what, bytes, message) => {
      const err = thrown(() => parsePcap(bytes()));
      expect(err, t({ en: "the error thrown", ko: "던진 오류" })).toBeInstanceOf(CaptureError);
      expect(err.name, t({ en: "the name a stack trace shows", ko: "스택 트레이스에 보이는 이름" })).toBe(
        "CaptureError",
      );
      expect(err.message, t({ en: "the error's message", ko: "오류 메시지" })).toMatch(message);
      expect(err.message, t({ en: "the error's message: one line", ko: "오류 메시지: 한 줄" })).not.toContain(
        "\n",
      );
    },
  );

  it.each(bad.map(([what, bytes, message], i) => [what, bytes, message, i] as const))(
    t({
      en: "dissect.ts: %s is one line on stderr, exit 1, nothing on stdout",
      ko: "dissect.ts: %s: stderr에 한 줄, 종료 코드 1, stdout에는 아무것도 없다",
    }),
    async (_what, bytes, message, i) => {
      const p = file(`bad-${i}.pcap`, bytes());
      const ran = runDissect([p]);
      await ran.expectExit(1);
      expectBytes(ran.stdout.text, "", STDOUT);
      expectOneLine(ran.stderr.text);
      expect(ran.stderr.text, STDERR).toMatch(message);
      expect(
        ran.stderr.text.startsWith(`${p}: `),
        t({ en: `stderr starts with "${p}: "`, ko: `stderr가 "${p}: "로 시작한다` }),
      ).toBe(true);
    },
  );
});

// Stage 4 end to end: dissect.ts, run behind the boundary, against tcpdump's own reading of the same captures.
// What it must do (dissect.ts is given; the layers of stages 1-4 make it right):
//   - `dissect.ts <file.pcap>` prints one line per TCP packet, exactly the lines of fixtures/<name>.tcpdump.txt
//     (tcpdump -n -t -S -r) less their `, options [...]` field and, in a cooked v2 capture, the interface and
//     direction tcpdump puts first (`lo    In  `); nothing on stderr; exit 0. So for every committed capture, for
//     fixtures/crafted/edge-cases.pcap (10 lines: every flag, URG, IP options, IPv6 extension headers, seq
//     wrapping), and for the same packets behind another link layer (BSD loopback, little- and big-endian, with
//     IPv4 and IPv6 family 30; Linux cooked v1; raw IP). The committed captures include ones taken with a snapshot
//     length (`-s76`, `-s78`, `-s82`, `-s90` in their names): a packet whose data was cut is printed as tcpdump
//     prints it, `length` and `seq a:b` counting the data on the wire (from the IP header), e.g.
//       IP 127.0.0.1.41037 > 127.0.0.1.53976: Flags [P.], seq 2038190673:2038191154, ack 339029470, win 64, length 481
//     and so is fixtures/echo-ipv6-ethernet.pcap cut to 100 bytes a packet: the lines tcpdump prints for it whole.
//   - a packet the snapshot length cut inside its headers, which tcpdump prints as far as it could read and `[|tcp]`:
//     skipped, one line on stderr matching `<file>: packet N: <what> (captured C of O bytes): skipped`. For
//     fixtures/cut/hello-ipv4-cooked-v2-s76.pcap (its SYN and SYN-ACK cut inside their options): stdout the other
//     6 lines of tcpdump's, exactly; stderr exactly two lines, packet 1 and packet 2, each `(captured 76 of 80
//     bytes): skipped`; exit 0.
//   - a packet whose IP header claims more than even its original length: skipped, its line on stderr matching
//     /packet 1: .*total length 140.*\b86\b.* \(captured 60 of 100 bytes\): skipped$/.
//   - what is not TCP (ARP, UDP, another EtherType) is skipped; Ethernet padding is not data:
//       IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0
//   - a bad IPv4 header checksum: the packet is printed, exit 0, and stderr has a line matching
//     /packet 1: .*checksum/; a packet cut short: skipped, its line on stderr matching /packet 2: .*IPv4 total length/
//     (two stderr lines in all); stdout exactly
//       IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [R], seq 5, win 512, length 0
//   - an IP fragment: left out, exit 0, stderr exactly `<file>: packet 1: an IP fragment, not reassembled: skipped\n`,
//     stdout exactly
//       IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0
//   - a link type it does not read (105): nothing on stdout, exit 0, one line on stderr matching /IEEE802_11.*2 packet/.
//   - an EPIPE on stdout (`dissect.ts x.pcap | head`) ends the output quietly; another write error (EIO) is thrown.
//   - where tcpdump can capture on the loopback: a fresh capture of a node:net echo reads as tcpdump reads it. Where
//     it cannot (not installed, no right to capture), that test checks the committed captures instead and passes,
//     noting that the fresh capture was skipped and why.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { connectLocal, expectBytes, listenLocal, load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { afterAll, describe, expect, it } from "vitest";

import {
  bsdLoopback,
  ethernet,
  F,
  ipv4,
  linuxCooked,
  pcapFile,
  relink,
  snapshot,
  tcp,
  toBigEndian,
  udp,
} from "./build.ts";
import { captureLoopback } from "./capture.ts";
import {
  dissectLines,
  fixtureBytes,
  fixturePath,
  FIXTURES,
  FIXTURES_DIR,
  normalizeTcpdump,
  runDissect,
  STDERR,
  STDOUT,
  tcpdumpLines,
  wholeHeaderLines,
} from "./helpers.ts";

const tmp = mkdtempSync(path.join(tmpdir(), "dissect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, bytes: Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const ETHERNET = "hello-ipv4-ethernet";
const ETHERNET6 = "echo-ipv6-ethernet";
const ipOf = (frame: Buffer) => frame.subarray(14);
const LINES = t({ en: "dissect.ts's lines", ko: "dissect.ts가 출력한 줄" });

interface StdoutErrors {
  code: number;
  stderr: string;
  /** What an error event on main()'s stdout did once it had returned: "quiet", "thrown" (that very error), ... */
  epipe: string;
  eio: string;
}

/**
 * dissect.ts's main() with a stdout the test can fail, as Node fails process.stdout when the reader has gone.
 * Streams cannot cross the boundary, so a small module written for the target's dissect.ts (it imports it by
 * its path) runs main() behind the boundary, makes its stdout fail, and sends back what happened.
 */
function stdoutErrorsProbe() {
  const dissect = program("dissect.ts");
  const probe = path.join(tmp, "stdout-errors.ts");
  writeFileSync(
    probe,
    `import { PassThrough } from "node:stream";
import { main } from ${JSON.stringify(dissect.file)};

export async function stdoutErrors(file: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.resume();
  let errors = "";
  stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const code = await main([file], { stdout, stderr });
  const fail = (errno: string): string => {
    const err = Object.assign(new Error("write " + errno), { code: errno });
    try {
      stdout.emit("error", err);
      return "quiet";
    } catch (thrown) {
      return thrown === err ? "thrown" : "another error: " + String(thrown);
    }
  };
  return { code, stderr: errors, epipe: fail("EPIPE"), eio: fail("EIO") };
}
`,
  );
  return load<{ stdoutErrors(file: string): Promise<StdoutErrors> }>({
    file: probe,
    resolveFrom: dissect.resolveFrom,
  });
}

describe(
  t({
    en: "stage 4: every TCP packet, as tcpdump -n -t -S -r prints it",
    ko: "4단계: 모든 TCP 패킷을 tcpdump -n -t -S -r처럼 출력하기",
  }),
  () => {
    it.each(FIXTURES)(
      t({
        en: "%s.pcap: the same lines as tcpdump's own reading of it (options field left out)",
        ko: "%s.pcap: tcpdump가 직접 읽은 것과 같은 줄(options 필드는 뺌)",
      }),
      async (name) => {
        expect(await dissectLines(fixturePath(name)), LINES).toEqual(tcpdumpLines(name));
      },
    );

    it(
      t({
        en: "fixtures/crafted/edge-cases.pcap (every flag, URG, IP options, IPv6 extension headers, seq wrapping): as tcpdump reads it",
        ko: "fixtures/crafted/edge-cases.pcap(모든 플래그, URG, IP 옵션, IPv6 확장 헤더, seq의 돌아감): tcpdump가 읽는 그대로",
      }),
      async () => {
        const crafted = path.join(FIXTURES_DIR, "crafted", "edge-cases");
        const expected = normalizeTcpdump(readFileSync(`${crafted}.tcpdump.txt`, "utf8"));
        expect(expected, t({ en: "tcpdump's lines", ko: "tcpdump가 출력한 줄" })).toHaveLength(10);
        expect(await dissectLines(`${crafted}.pcap`), LINES).toEqual(expected);
      },
    );

    it.each([
      [
        t({
          en: "BSD loopback (macOS lo0), little-endian host",
          ko: "BSD 루프백(macOS lo0), 리틀 엔디안 호스트",
        }),
        ETHERNET,
        0,
        (f: Buffer) => bsdLoopback(2, ipOf(f)),
        false,
      ],
      [
        t({ en: "BSD loopback, IPv6 family 30 (macOS)", ko: "BSD 루프백, IPv6 주소 체계 30(macOS)" }),
        ETHERNET6,
        0,
        (f: Buffer) => bsdLoopback(30, ipOf(f)),
        false,
      ],
      [
        t({ en: "BSD loopback, a big-endian host's file", ko: "BSD 루프백, 빅 엔디안 호스트의 파일" }),
        ETHERNET,
        0,
        (f: Buffer) => bsdLoopback(2, ipOf(f), true),
        true,
      ],
      ["Linux cooked v1", ETHERNET6, 113, (f: Buffer) => linuxCooked(0x86dd, ipOf(f)), false],
      ["raw IP", ETHERNET, 101, ipOf, false],
    ] as const)(
      t({
        en: "the same packets behind another link layer (%s) print the same lines",
        ko: "다른 링크 계층(%s) 뒤의 같은 패킷은 같은 줄로 출력된다",
      }),
      async (_what, name, linkType, convert, bigEndian) => {
        let bytes = relink(fixtureBytes(name), linkType, convert);
        if (bigEndian) bytes = toBigEndian(bytes);
        const p = file(`relinked-${linkType}-${bigEndian ? "be" : "le"}-${name}.pcap`, bytes);
        expect(await dissectLines(p), LINES).toEqual(tcpdumpLines(name));
      },
    );

    it(
      t({
        en: "the IPv6 echo cut to 100 bytes a packet (tcpdump -s 100): the lines tcpdump prints for it whole",
        ko: "패킷마다 100바이트로 자른 IPv6 에코(tcpdump -s 100): tcpdump가 온전한 캡처에 찍는 줄 그대로",
      }),
      async () => {
        // Every header fits in 100 bytes (14 + 40 + 40 for a SYN); the 17 bytes of data do not (14 + 40 + 32 + 17).
        const p = file("ipv6-s100.pcap", snapshot(fixtureBytes(ETHERNET6), 100));
        expect(await dissectLines(p), LINES).toEqual(tcpdumpLines(ETHERNET6));
      },
    );

    it(
      t({
        en: "a packet the snapshot length cut inside its headers (tcpdump: `[|tcp]`) is noted with what was captured and skipped",
        ko: "스냅샷 길이가 헤더 안에서 자른 패킷(tcpdump: `[|tcp]`)은 캡처된 양과 함께 알리고 건너뛴다",
      }),
      async () => {
        const cut = path.join(FIXTURES_DIR, "cut", "hello-ipv4-cooked-v2-s76");
        const expected = wholeHeaderLines(readFileSync(`${cut}.tcpdump.txt`, "utf8"));
        expect(expected, t({ en: "tcpdump's whole lines", ko: "tcpdump가 온전히 찍은 줄" })).toHaveLength(6);
        const ran = runDissect([`${cut}.pcap`]);
        await ran.expectExit(0);
        expect(ran.stdout.text.split("\n").filter(Boolean), LINES).toEqual(expected);
        const notes = ran.stderr.text.split("\n").filter(Boolean);
        expect(notes, t({ en: "the lines on stderr", ko: "stderr의 줄" })).toHaveLength(2);
        for (const [i, note] of notes.entries())
          expect(note, t({ en: `stderr's line ${i + 1}`, ko: `stderr의 ${i + 1}번째 줄` })).toMatch(
            new RegExp(`^${cut}\\.pcap: packet ${i + 1}: .+ \\(captured 76 of 80 bytes\\): skipped$`),
          );
      },
    );

    it(
      t({
        en: "a packet whose IP header claims more than even its original length is noted with what was captured and skipped",
        ko: "IP 헤더가 원래 길이보다도 길다고 하는 패킷은 캡처된 양과 함께 알리고 건너뛴다",
      }),
      async () => {
        // 140 bytes of IP by its header; 86 on the wire (the original length, less 14 of Ethernet); 60 captured.
        const frame = ethernet(0x0800, ipv4(tcp({ flags: F.PSH | F.ACK, payload: "y".repeat(100) })));
        const p = file(
          "short-on-the-wire.pcap",
          pcapFile(1, [
            { data: frame.subarray(0, 60), originalLength: 100 },
            ethernet(0x0800, ipv4(tcp({ flags: F.ACK, ack: 7 }))),
          ]),
        );
        const ran = runDissect([p]);
        await ran.expectExit(0);
        expectBytes(
          ran.stdout.text,
          "IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0\n",
          STDOUT,
        );
        expect(
          ran.stderr.text.split("\n").filter(Boolean),
          t({ en: "the lines on stderr", ko: "stderr의 줄" }),
        ).toHaveLength(1);
        expect(ran.stderr.text, STDERR).toMatch(
          /packet 1: .*total length 140.*\b86\b.* \(captured 60 of 100 bytes\): skipped$/m,
        );
      },
    );

    it(
      t({
        en: "skips what is not TCP (ARP, UDP, other EtherTypes) and prints TCP even behind Ethernet padding",
        ko: "TCP가 아닌 것(ARP, UDP, 다른 EtherType)은 건너뛰고, 이더넷 패딩 뒤의 TCP도 출력한다",
      }),
      async () => {
        const p = file(
          "mixed.pcap",
          pcapFile(1, [
            ethernet(0x0806, Buffer.alloc(28)),
            ethernet(0x0800, ipv4(udp(Buffer.from("query")), { protocol: 17 })),
            ethernet(0x88cc, Buffer.alloc(30)),
            ethernet(0x0800, Buffer.concat([ipv4(tcp({ flags: F.ACK, ack: 7 })), Buffer.alloc(6)])),
          ]),
        );
        expect(await dissectLines(p), LINES).toEqual([
          "IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0",
        ]);
      },
    );

    it(
      t({
        en: "a bad IPv4 checksum is noted on stderr and the packet still printed, as tcpdump does; a cut packet is noted and skipped",
        ko: "잘못된 IPv4 체크섬은 stderr에 알리고 패킷은 tcpdump처럼 그대로 출력하며, 잘린 패킷은 알리고 건너뛴다",
      }),
      async () => {
        const p = file(
          "damaged.pcap",
          pcapFile(1, [
            ethernet(0x0800, ipv4(tcp({ flags: F.RST, seq: 5 }), { badChecksum: true })),
            ethernet(0x0800, ipv4(tcp()).subarray(0, 30)),
          ]),
        );
        const ran = runDissect([p]);
        await ran.expectExit(0);
        expectBytes(
          ran.stdout.text,
          "IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [R], seq 5, win 512, length 0\n",
          STDOUT,
        );
        const notes = ran.stderr.text.split("\n").filter(Boolean);
        expect(notes, t({ en: "the lines on stderr", ko: "stderr의 줄" })).toHaveLength(2);
        expect(notes[0], t({ en: "stderr's first line", ko: "stderr의 첫 줄" })).toMatch(
          /packet 1: .*checksum/,
        );
        expect(notes[1], t({ en: "stderr's second line", ko: "stderr의 둘째 줄" })).toMatch(
          /packet 2: .*IPv4 total length/,
        );
      },
    );

    it(
      t({
        en: "an IP fragment is noted on stderr and left out, not printed as a whole TCP segment; the packets after it are",
        ko: "IP 단편은 stderr에 알리고 빼며, 온전한 TCP 세그먼트로 출력하지 않는다. 그 뒤의 패킷은 출력한다",
      }),
      async () => {
        const p = file(
          "fragment.pcap",
          pcapFile(1, [
            ethernet(0x0800, ipv4(tcp({ flags: F.PSH | F.ACK, payload: "abc" }), { fragment: 0x2000 })),
            ethernet(0x0800, ipv4(tcp({ flags: F.ACK, ack: 7 }))),
          ]),
        );
        const ran = runDissect([p]);
        await ran.expectExit(0);
        expectBytes(
          ran.stdout.text,
          "IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0\n",
          STDOUT,
        );
        expectBytes(ran.stderr.text, `${p}: packet 1: an IP fragment, not reassembled: skipped\n`, STDERR);
      },
    );

    it(
      t({
        en: "a reader that stops early (dissect.ts x.pcap | head: EPIPE) ends the output quietly; another write error is not hidden",
        ko: "읽는 쪽이 일찍 멈추면(dissect.ts x.pcap | head: EPIPE) 출력을 조용히 끝내고, 다른 쓰기 오류는 숨기지 않는다",
      }),
      async () => {
        await runDissect([fixturePath(ETHERNET)]).expectExit(0);
        // The same run on a stdout the test can fail, behind the boundary (see stdoutErrorsProbe).
        const ran = await stdoutErrorsProbe().stdoutErrors(fixturePath(ETHERNET));
        expect(
          ran.code,
          t({
            en: `main()'s exit code (stderr: ${ran.stderr})`,
            ko: `main()의 종료 코드(stderr: ${ran.stderr})`,
          }),
        ).toBe(0);
        expect(
          ran.epipe,
          t({ en: "an EPIPE error on stdout after the run", ko: "실행 뒤 stdout에 난 EPIPE 오류" }),
        ).toBe("quiet");
        expect(
          ran.eio,
          t({
            en: "an EIO error on stdout after the run (thrown on)",
            ko: "실행 뒤 stdout에 난 EIO 오류(그대로 던짐)",
          }),
        ).toBe("thrown");
      },
    );

    it(
      t({
        en: "a link type it does not read is named once on stderr, with nothing printed (exit 0)",
        ko: "읽지 않는 링크 타입은 stderr에 한 번 이름을 알리고, 아무것도 출력하지 않는다(종료 코드 0)",
      }),
      async () => {
        const ran = runDissect([file("wifi.pcap", pcapFile(105, [Buffer.alloc(40), Buffer.alloc(40)]))]);
        await ran.expectExit(0);
        expectBytes(ran.stdout.text, "", STDOUT);
        expect(
          ran.stderr.text.split("\n").filter(Boolean),
          t({ en: "the lines on stderr", ko: "stderr의 줄" }),
        ).toHaveLength(1);
        expect(ran.stderr.text, STDERR).toMatch(/IEEE802_11.*2 packet/);
      },
    );

    it(
      t({
        en:
          "a fresh capture of a node:net exchange reads as tcpdump reads it " +
          "(where tcpdump cannot capture: the committed fixtures instead, and a note that it was skipped)",
        ko:
          "node:net 주고받기를 새로 캡처한 것도 tcpdump가 읽는 그대로 읽는다 " +
          "(tcpdump로 캡처할 수 없는 곳에서는 커밋된 픽스처로 대신하고, 건너뛰었다고 알린다)",
      }),
      async ({ annotate }) => {
        const server = await listenLocal((socket) => socket.pipe(socket));
        const play = async () => {
          const client = await connectLocal(server.port);
          await client.send("Hello World!\n");
          client.end();
          await client.waitForEnd();
        };
        const captured = await captureLoopback({ filter: `tcp port ${server.port}` }, play);
        if ("unavailable" in captured) {
          // No capture here: the committed captures must still match.
          for (const name of FIXTURES)
            expect(await dissectLines(fixturePath(name)), `${name}.pcap: ${LINES}`).toEqual(
              tcpdumpLines(name),
            );
          // Said in the test's report (annotate) and on the console, which the default reporter shows.
          const note = t({
            en: `skipped the fresh capture: ${captured.unavailable}`,
            ko: `새 캡처는 건너뜀: ${captured.unavailable}`,
          });
          console.warn(note);
          await annotate(note);
          return;
        }
        const out = file("fresh.pcap", captured.pcap);
        const read = spawnSync(captured.tcpdump, ["-n", "-t", "-S", "-r", out], { encoding: "utf8" });
        const expected = normalizeTcpdump(read.stdout);
        expect(
          expected.length,
          t({
            en: `the lines tcpdump read from the ${captured.packets} packets captured (${captured.pcap.length} bytes)`,
            ko: `캡처한 패킷 ${captured.packets}개(${captured.pcap.length}바이트)에서 tcpdump가 읽은 줄`,
          }),
        ).toBe(captured.packets);
        expect(expected[0], t({ en: "tcpdump's first line", ko: "tcpdump의 첫 줄" })).toMatch(/Flags \[S\]/);
        expect(await dissectLines(out), LINES).toEqual(expected);
      },
    );
  },
);

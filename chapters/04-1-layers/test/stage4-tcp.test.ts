// Stage 4: tcp.ts, TCP printed as tcpdump prints it. What it must do:
//   - tcpSegment(bytes) returns { sourcePort, destinationPort, seq, ack, headerLength (the data offset, high nibble
//     of byte 12, × 4), flags (byte 13), window, urgentPointer, payload (from the data offset on) }, every field
//     big-endian.
//   - tcpdumpFlags(flags): tcpdump's letters in the order F S R P . U E W, "none" for no flag:
//     0 "none", SYN "S", SYN|ACK "S.", ACK ".", PSH|ACK "P.", FIN|ACK "F.", RST "R", RST|ACK "R.", FIN|PSH|ACK "FP.",
//     URG|PSH|ACK "P.U", SYN|ECE|CWR "SEW", 0xff "FSRP.UEW".
//   - formatTcpdump(ip, tcp): the line `tcpdump -n -t -S` prints, less its options field. Exactly:
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [S], seq 609978440, win 65495, length 0
//       IP 127.0.0.1.47953 > 127.0.0.1.45642: Flags [S.], seq 3457706979, ack 609978441, win 65483, length 0
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 609978441:609978443, ack 3457706980, win 64, length 2
//       IP6 ::1.37692 > ::1.51747: Flags [F.], seq 1876170637, ack 3322847949, win 64, length 0
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [.], ack 6, win 64, length 0
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [R], seq 5, win 64, length 0
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.U], seq 1:4, ack 2, win 64, urg 3, length 3
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 4294967295:1, ack 1, win 64, length 2
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [none], win 64, length 0
//       IP6 ::1 > ::1: HBH DSTOPT 45642 > 47953: Flags [.], seq 9:11, ack 1, win 64, length 2
//     (seq a:b with data, b wrapping at 2^32; without data seq a only for SYN, FIN or RST; ack only with ACK;
//     urg only with URG; after IPv6 extension headers their names, and the ports apart from the addresses).
//     The length (and b) counts the data on the wire, ip.payloadLength - tcp.headerLength, not tcp.payload's bytes:
//     with 466 bytes sent and 24 captured (tcpdump -s 90),
//       IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 1000:1466, ack 7, win 64, length 466
//   - a segment cut short or malformed throws a PacketError (errors.ts) whose message matches:
//       19 bytes /20 bytes.*19/; 12 bytes /20 bytes.*\b12\b/; data offset 4 (16 bytes) /data offset 16/;
//       data offset 7 (28 bytes) in a 24-byte segment /data offset 28.*24/.
// dissect.ts on whole captures, against tcpdump's own reading of them, is in tcpdump.test.ts (this stage too).
// The functions are called directly, behind the boundary (load(): a worker, 3 s per call).
import { load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { F, tcp } from "./build.ts";
import { thrown } from "./helpers.ts";

type Tcp = typeof import("../solution/tcp.ts");
type Errors = typeof import("../solution/errors.ts");
const { formatTcpdump, tcpdumpFlags, tcpSegment } = load<Tcp>(program("tcp.ts"));
const { PacketError } = load<Errors>(program("errors.ts"));

type IpPacket = import("../solution/ip.ts").IpPacket;
type TcpSegment = import("../solution/tcp.ts").TcpSegment;

function ip(version: 4 | 6, source: string, destination: string, extensions: string[] = []): IpPacket {
  return {
    version,
    source,
    destination,
    protocol: 6,
    headerLength: 20,
    checksumOk: true,
    fragment: false,
    extensions,
    payload: Buffer.alloc(0),
    payloadLength: 0,
  };
}

function seg(fields: Partial<TcpSegment> & { data?: string }): TcpSegment {
  return {
    sourcePort: 45642,
    destinationPort: 47953,
    seq: 0,
    ack: 0,
    headerLength: 32,
    flags: 0,
    window: 64,
    urgentPointer: 0,
    payload: Buffer.from(fields.data ?? ""),
    ...fields,
  };
}

const V4 = ip(4, "127.0.0.1", "127.0.0.1");

/** formatTcpdump(ip, tcp) for a whole segment: the IP header's length is the TCP header plus the bytes captured. */
const format = (packet: IpPacket, segment: TcpSegment) =>
  formatTcpdump({ ...packet, payloadLength: segment.headerLength + segment.payload.length }, segment);
const LINE = t({ en: "formatTcpdump's line", ko: "formatTcpdump가 만든 줄" });

describe(
  t({ en: "stage 4: TCP, printed as tcpdump prints it", ko: "4단계: TCP를 tcpdump처럼 출력하기" }),
  () => {
    it(
      t({
        en: "tcpSegment reads ports, sequence and acknowledgement numbers, data offset, flags, window",
        ko: "tcpSegment는 포트, 순서 번호와 확인 응답 번호, 데이터 오프셋, 플래그, 윈도를 읽는다",
      }),
      () => {
        const options = Buffer.from("020405b40402080a0000000100000000", "hex"); // mss, sackOK, timestamps
        const bytes = tcp({
          sourcePort: 45642,
          destinationPort: 9190,
          seq: 3_457_706_979,
          ack: 609_978_441,
          flags: F.SYN | F.ACK,
          window: 65483,
          options,
          payload: "Hi",
        });
        const s = tcpSegment(bytes);
        expect(
          { ...s, payload: s.payload.toString() },
          t({ en: "the segment (its payload as text)", ko: "세그먼트(payload는 텍스트로)" }),
        ).toEqual({
          sourcePort: 45642,
          destinationPort: 9190,
          seq: 3_457_706_979,
          ack: 609_978_441,
          headerLength: 36,
          flags: F.SYN | F.ACK,
          window: 65483,
          urgentPointer: 0,
          payload: "Hi",
        });
        expect(tcpSegment(tcp({ flags: F.URG | F.ACK, urgent: 7 })).urgentPointer, "urgentPointer").toBe(7);
      },
    );

    it.each([
      [0, "none"],
      [F.SYN, "S"],
      [F.SYN | F.ACK, "S."],
      [F.ACK, "."],
      [F.PSH | F.ACK, "P."],
      [F.FIN | F.ACK, "F."],
      [F.RST, "R"],
      [F.RST | F.ACK, "R."],
      [F.FIN | F.PSH | F.ACK, "FP."],
      [F.URG | F.PSH | F.ACK, "P.U"],
      [F.SYN | F.ECE | F.CWR, "SEW"],
      [0xff, "FSRP.UEW"],
    ])(
      t({
        en: "flags %i are [%s] in tcpdump's notation and order",
        ko: "플래그 %i: tcpdump의 표기와 순서로 [%s]",
      }),
      (flags, text) => {
        expect(tcpdumpFlags(flags), `tcpdumpFlags(${flags})`).toBe(text);
      },
    );

    it(
      t({
        en: "prints the lines of the chapter's handshake, data and teardown exactly as tcpdump -n -t -S",
        ko: "이 장의 핸드셰이크, 데이터, 연결 종료 줄을 tcpdump -n -t -S와 똑같이 출력한다",
      }),
      () => {
        const lines = [
          format(V4, seg({ flags: F.SYN, seq: 609978440, window: 65495, headerLength: 40 })),
          format(
            ip(4, "127.0.0.1", "127.0.0.1"),
            seg({
              sourcePort: 47953,
              destinationPort: 45642,
              flags: F.SYN | F.ACK,
              seq: 3457706979,
              ack: 609978441,
              window: 65483,
            }),
          ),
          format(V4, seg({ flags: F.PSH | F.ACK, seq: 609978441, ack: 3457706980, data: "q\n" })),
          format(
            ip(6, "::1", "::1"),
            seg({
              sourcePort: 37692,
              destinationPort: 51747,
              flags: F.FIN | F.ACK,
              seq: 1876170637,
              ack: 3322847949,
            }),
          ),
        ];
        expect(lines, t({ en: "formatTcpdump's lines", ko: "formatTcpdump가 만든 줄들" })).toEqual([
          "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [S], seq 609978440, win 65495, length 0",
          "IP 127.0.0.1.47953 > 127.0.0.1.45642: Flags [S.], seq 3457706979, ack 609978441, win 65483, length 0",
          "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 609978441:609978443, ack 3457706980, win 64, length 2",
          "IP6 ::1.37692 > ::1.51747: Flags [F.], seq 1876170637, ack 3322847949, win 64, length 0",
        ]);
      },
    );

    it(
      t({
        en: "a pure ACK shows no seq; a RST without ACK shows no ack; URG adds urg; seq a:b wraps at 2^32",
        ko: "순수한 ACK에는 seq가, ACK 없는 RST에는 ack가 없고, URG는 urg를 더하며, seq a:b는 2^32에서 돌아간다",
      }),
      () => {
        expect(format(V4, seg({ flags: F.ACK, seq: 5, ack: 6 })), `${LINE} (ACK)`).toBe(
          "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [.], ack 6, win 64, length 0",
        );
        expect(format(V4, seg({ flags: F.RST, seq: 5, ack: 6 })), `${LINE} (RST)`).toBe(
          "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [R], seq 5, win 64, length 0",
        );
        expect(
          format(V4, seg({ flags: F.URG | F.PSH | F.ACK, seq: 1, ack: 2, urgentPointer: 3, data: "abc" })),
          `${LINE} (URG)`,
        ).toBe("IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.U], seq 1:4, ack 2, win 64, urg 3, length 3");
        expect(
          format(V4, seg({ flags: F.PSH | F.ACK, seq: 4294967295, ack: 1, data: "zz" })),
          `${LINE} (seq 4294967295 + 2)`,
        ).toBe("IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 4294967295:1, ack 1, win 64, length 2");
        expect(format(V4, seg({ flags: 0, seq: 5 })), `${LINE} (none)`).toBe(
          "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [none], win 64, length 0",
        );
      },
    );

    it(
      t({
        en: "after IPv6 extension headers, tcpdump names them and prints the ports apart from the addresses",
        ko: "IPv6 확장 헤더가 있으면 tcpdump는 그 이름을 찍고 포트를 주소와 따로 찍는다",
      }),
      () => {
        expect(
          format(ip(6, "::1", "::1", ["HBH", "DSTOPT"]), seg({ flags: F.ACK, seq: 9, ack: 1, data: "hi" })),
          LINE,
        ).toBe("IP6 ::1 > ::1: HBH DSTOPT 45642 > 47953: Flags [.], seq 9:11, ack 1, win 64, length 2");
      },
    );

    it(
      t({
        en: "the length is the data on the wire, from the IP header, also when the snapshot length kept only part of it",
        ko: "길이는 IP 헤더가 말하는 실제 데이터 길이다. 스냅샷 길이 때문에 일부만 캡처됐어도 그렇다",
      }),
      () => {
        // The packet carried 466 bytes of data; the capture (tcpdump -s 90) kept 24 of them.
        const cut = seg({ flags: F.PSH | F.ACK, seq: 1000, ack: 7, data: "x".repeat(24) });
        expect(
          formatTcpdump({ ...V4, payloadLength: 32 + 466 }, cut),
          t({ en: `${LINE} (466 bytes sent, 24 captured)`, ko: `${LINE} (466바이트 전송, 24바이트 캡처)` }),
        ).toBe("IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 1000:1466, ack 7, win 64, length 466");
        expect(
          formatTcpdump({ ...V4, payloadLength: 40 + 3 }, seg({ flags: F.SYN, seq: 5, headerLength: 40 })),
          t({
            en: `${LINE} (a SYN with 3 bytes, none captured)`,
            ko: `${LINE} (3바이트를 실은 SYN, 캡처된 것 없음)`,
          }),
        ).toBe("IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [S], seq 5:8, win 64, length 3");
      },
    );

    it.each([
      [() => tcp().subarray(0, 19), /20 bytes.*19/],
      // Too short even to hold the data offset (byte 12): the message still says how short.
      [() => tcp().subarray(0, 12), /20 bytes.*\b12\b/],
      [() => Buffer.from([...tcp().subarray(0, 12), 0x40, ...tcp().subarray(13)]), /data offset 16/],
      [() => tcp({ options: Buffer.alloc(8) }).subarray(0, 24), /data offset 28.*24/],
    ])(
      t({
        en: "a segment cut short or malformed is a PacketError (%#)",
        ko: "잘렸거나 형식이 잘못된 세그먼트는 PacketError (%#)",
      }),
      (bytes, message) => {
        const err = thrown(() => tcpSegment(bytes()));
        expect(err, t({ en: "the error thrown", ko: "던진 오류" })).toBeInstanceOf(PacketError);
        expect(err.message, t({ en: "the error's message", ko: "오류 메시지" })).toMatch(message);
      },
    );
  },
);

// Stage 5: follow.ts, the application layer, connection by connection. What it must do:
//   - escapeBytes(bytes): a double-quoted string; printable ASCII as itself, \n \r \t \" \\ escaped, a whole valid
//     UTF-8 character (2, 3 or 4 bytes) as itself, any other byte as \xNN (lower-case hex), and so U+FFFD, control
//     characters (U+0085) and format characters (U+200B) as their bytes. Exactly:
//       "Hello World!" -> "Hello World!"          'say "hi"\r\n\ta\\b' -> "say \"hi\"\r\n\ta\\b"
//       "안녕하세요\n" -> "안녕하세요\n"            bytes 00 7f ff c3 -> "\x00\x7f\xff\xc3"
//       bytes ec 95 41 -> "\xec\x95A"             "a\ufffdb" -> "a\xef\xbf\xbdb"
//       "\u0085\u200b" -> "\xc2\x85\xe2\x80\x8b"  "£5 ߀ अ ！ 😀 café" -> itself
//   - followStreams(packets) groups the packets into connections ({ number, client, server, clientKnown,
//     handshake, turns: [{ from, bytes, missing }], teardown, sent: { client, server }, retransmissions }) and
//     puts each direction's bytes in sequence order: out-of-order bytes wait for the gap before them, wholly
//     seen segments are retransmissions (left out, counted), overlapping ones add only their new bytes; a segment
//     covers ip.payloadLength - tcp.headerLength sequence numbers, so one the snapshot length cut (tcp.payload
//     shorter) gives its bytes and then, at once, a gap for the rest, and a gap right after a gap of the same side
//     is one gap (its `missing` the sum); `sent` counts the bytes captured only; the
//     SYN takes one sequence number (data on the SYN starts one after it); the client is the SYN's sender, or
//     the one a SYN-ACK is sent to; the handshake's steps are "SYN", "SYN-ACK", "ACK" (the client's ACK after
//     the SYN-ACK), each once; teardown "FIN from client", "FIN from server", "RST from client", "RST from
//     server" in order (a FIN once per side); a new SYN on the same ports after a FIN each way or a RST is a new
//     connection, the same SYN again is not.
//   - formatFollow(connections), exactly (each line ends with "\n", a blank line between blocks):
//       connection 1: client 127.0.0.1.51000, server 127.0.0.1.9190
//         handshake: SYN, SYN-ACK, ACK
//         client > server: "hello\n" (6 bytes)
//         server > client: "hello\n" (6 bytes)
//         client > server: "how are you?\n" (13 bytes)
//         server > client: "how are you?\n" (13 bytes)
//         teardown: FIN from client, FIN from server
//         client sent 19 bytes, server sent 19 bytes
//     and the lines `  client > server: "x" (1 byte)`, `  client sent 1 byte, server sent 1 byte`,
//     `  client > server: [3 bytes missing from the capture]`, `  server > client: [5 bytes missing from the capture]`,
//     `  teardown: not in the capture (still open)`, `  retransmitted: 1 segment(s) already seen, left out`,
//     `  handshake: SYN`, `  teardown: RST from server`, `  handshake: not in the capture`,
//     `connection 2: client 10.0.0.2.40000, server 127.0.0.1.9190 (guessed: no SYN captured)`,
//     and for no connection at all `no TCP connections in this capture\n`.
// dissect.ts --follow <file> (or <file> --follow, the same output), run behind the boundary, exit 0:
//   hello-ipv4-ethernet.pcap, exactly (<client> and <server> from the fixture's first line, its SYN):
//     connection 1: client <client>, server <server>
//       handshake: SYN, SYN-ACK, ACK
//       server > client: "Hello World!" (12 bytes)
//       teardown: FIN from server, FIN from client
//       client sent 0 bytes, server sent 12 bytes
//   echo-ipv4-ethernet.pcap and echo-ipv4-cooked-v2.pcap, exactly:
//     connection 1: client <client>, server <server>
//       handshake: SYN, SYN-ACK, ACK
//       client > server: "Hello World!" (12 bytes)
//       server > client: "Hello World!" (12 bytes)
//       client > server: "How are you?" (12 bytes)
//       server > client: "How are you?" (12 bytes)
//       teardown: FIN from client, FIN from server
//       client sent 24 bytes, server sent 24 bytes
//   echo-ipv4-ethernet-s90.pcap, echo-ipv4-cooked-v1-s90.pcap and echo-ipv4-cooked-v2-s90.pcap (tcpdump -s 90: the
//     481-byte line cut to its first N = 24, 22 and 18 bytes), exactly:
//     connection 1: client <client>, server <server>
//       handshake: SYN, SYN-ACK, ACK
//       client > server: "Hello World!" (12 bytes)
//       server > client: "Hello World!" (12 bytes)
//       client > server: "0123456789abcdef01234567" (24 bytes)      (the first N bytes of 0123456789abcdef...)
//       client > server: [457 bytes missing from the capture]       (481 - N)
//       server > client: "0123456789abcdef01234567" (24 bytes)
//       server > client: [457 bytes missing from the capture]
//       teardown: FIN from client, FIN from server
//       client sent 36 bytes, server sent 36 bytes                  (12 + N each)
//   echo-ipv6-ethernet.pcap and echo-ipv6-cooked-v2-nano.pcap: the lines `connection 1: client <client>, server
//     <server>`, `  client > server: "Hello over IPv6!\n" (17 bytes)`, `  server > client: "Hello over IPv6!\n"
//     (17 bytes)` and `  client sent 17 bytes, server sent 17 bytes`.
// The functions are called directly, behind the boundary (load(): a worker, 3 s per call); turns' bytes come back
// as Buffers.
import { expectBytes, load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { F } from "./build.ts";
import { fixturePath, runDissect, STDOUT, tcpdumpLines } from "./helpers.ts";

type Follow = typeof import("../solution/follow.ts");
const { escapeBytes, followStreams, formatFollow } = load<Follow>(program("follow.ts"));

type TcpPacket = import("../solution/follow.ts").TcpPacket;

const CLIENT = { address: "127.0.0.1", port: 51000 };
const SERVER = { address: "127.0.0.1", port: 9190 };
const C_ISN = 1000;
const S_ISN = 4_294_967_290; // close to 2^32: the server's sequence numbers wrap around

const TEXT = t({ en: "formatFollow's text", ko: "formatFollow가 만든 글" });
const TURNS = t({ en: "the connection's turns", ko: "연결의 차례" });

let n = 0;
function pkt(
  from: "c" | "s",
  flags: number,
  seq: number,
  ack: number,
  data = "",
  ends = { c: CLIENT, s: SERVER },
): TcpPacket {
  const [src, dst] = from === "c" ? [ends.c, ends.s] : [ends.s, ends.c];
  return {
    number: ++n,
    ip: {
      version: 4,
      source: src.address,
      destination: dst.address,
      protocol: 6,
      headerLength: 20,
      checksumOk: true,
      fragment: false,
      extensions: [],
      payload: Buffer.alloc(0),
      payloadLength: 20 + Buffer.byteLength(data),
    },
    tcp: {
      sourcePort: src.port,
      destinationPort: dst.port,
      seq: seq >>> 0,
      ack: ack >>> 0,
      headerLength: 20,
      flags,
      window: 512,
      urgentPointer: 0,
      payload: Buffer.from(data),
    },
  };
}

/** The packet as a capture with a snapshot length keeps it: the first `keep` bytes of its data (its IP header whole). */
function cutTo(p: TcpPacket, keep: number): TcpPacket {
  return { ...p, tcp: { ...p.tcp, payload: p.tcp.payload.subarray(0, keep) } };
}

const handshake = () => [
  pkt("c", F.SYN, C_ISN, 0),
  pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
  pkt("c", F.ACK, C_ISN + 1, S_ISN + 1),
];

/** The endpoints of a fixture's first packet (its SYN): client, then server. */
function endsOf(name: string): [string, string] {
  const m = /^IP6? (\S+) > (\S+): Flags \[S\]/.exec(tcpdumpLines(name)[0] ?? "");
  return [m?.[1] ?? "?", m?.[2] ?? "?"];
}

/** `dissect.ts <args>`'s stdout, which must end with exit code 0. */
async function follow(args: string[]): Promise<string> {
  const ran = runDissect(args);
  await ran.expectExit(0);
  return ran.stdout.text;
}

describe(
  t({
    en: "stage 5: the application layer, connection by connection",
    ko: "5단계: APPLICATION 계층, 연결마다",
  }),
  () => {
    it(
      t({
        en: 'escapeBytes: text as itself, \\n \\r \\t \\" \\\\ escaped, UTF-8 kept, other bytes as \\xNN',
        ko: 'escapeBytes: 텍스트는 그대로, \\n \\r \\t \\" \\\\는 이스케이프, UTF-8은 유지, 그 밖의 바이트는 \\xNN',
      }),
      () => {
        expect(escapeBytes(Buffer.from("Hello World!")), "Hello World!").toBe('"Hello World!"');
        expect(escapeBytes(Buffer.from('say "hi"\r\n\ta\\b')), 'say "hi"\\r\\n\\ta\\\\b').toBe(
          '"say \\"hi\\"\\r\\n\\ta\\\\b"',
        );
        expect(escapeBytes(Buffer.from("안녕하세요\n")), "안녕하세요\\n").toBe('"안녕하세요\\n"');
        expect(escapeBytes(Buffer.from([0x00, 0x7f, 0xff, 0xc3])), "00 7f ff c3").toBe(
          '"\\x00\\x7f\\xff\\xc3"',
        );
        expect(escapeBytes(Buffer.from([0xec, 0x95, 0x41])), "ec 95 41").toBe('"\\xec\\x95A"');
      },
    );

    it(
      t({
        en: "escapeBytes writes U+FFFD and control or format characters as their bytes",
        ko: "escapeBytes는 U+FFFD와 제어 문자, 서식 문자를 그 바이트로 쓴다",
      }),
      () => {
        // U+FFFD is what undecodable bytes turn into: kept as a character, it would hide them.
        expect(escapeBytes(Buffer.from("a\ufffdb")), "a U+FFFD b").toBe('"a\\xef\\xbf\\xbdb"');
        // U+0085 (next line, a control character) and U+200B (zero width space, a format character).
        expect(escapeBytes(Buffer.from("\u0085\u200b")), "U+0085 U+200B").toBe('"\\xc2\\x85\\xe2\\x80\\x8b"');
      },
    );

    it(
      t({
        en: "one byte is (1 byte), sent 1 byte: the singular",
        ko: "1바이트는 (1 byte), sent 1 byte: 단수형",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "x"),
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 2, "y"),
        ];
        const text = formatFollow(followStreams(packets));
        expect(text, TEXT).toContain('  client > server: "x" (1 byte)\n');
        expect(text, TEXT).toContain("  client sent 1 byte, server sent 1 byte\n");
      },
    );

    it(
      t({
        en: "escapeBytes keeps UTF-8 characters of 2, 3 and 4 bytes whole, up to the very last byte",
        ko: "escapeBytes는 2, 3, 4바이트 UTF-8 문자를 마지막 바이트까지 온전히 유지한다",
      }),
      () => {
        // Lead bytes c2, df (2 bytes), e0, ef (3 bytes), f0 (4 bytes), and c3 ending the buffer.
        expect(escapeBytes(Buffer.from("£5 ߀ अ ！ 😀 café")), "£5 ߀ अ ！ 😀 café").toBe(
          '"£5 ߀ अ ！ 😀 café"',
        );
      },
    );

    it(
      t({
        en: "a whole connection: handshake, both directions in turn, teardown, byte counts",
        ko: "연결 하나 전체: 핸드셰이크, 번갈아 오가는 양방향, 연결 종료, 바이트 수",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hello\n"),
          pkt("s", F.ACK, S_ISN + 1, C_ISN + 7),
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 7, "hello\n"),
          pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 7, "how are "),
          pkt("c", F.PSH | F.ACK, C_ISN + 15, S_ISN + 7, "you?\n"),
          pkt("s", F.PSH | F.ACK, S_ISN + 7, C_ISN + 20, "how are you?\n"),
          pkt("c", F.FIN | F.ACK, C_ISN + 20, S_ISN + 20),
          pkt("s", F.FIN | F.ACK, S_ISN + 20, C_ISN + 21),
          pkt("c", F.ACK, C_ISN + 21, S_ISN + 21),
        ];
        const [c] = followStreams(packets);
        expect(c, t({ en: "the connection", ko: "연결" })).toMatchObject({
          number: 1,
          client: "127.0.0.1.51000",
          server: "127.0.0.1.9190",
          clientKnown: true,
          handshake: ["SYN", "SYN-ACK", "ACK"],
          teardown: ["FIN from client", "FIN from server"],
          sent: { client: 19, server: 19 },
          retransmissions: 0,
        });
        expect(
          c?.turns.map((t) => [t.from, t.bytes.toString(), t.missing]),
          TURNS,
        ).toEqual([
          ["client", "hello\n", 0],
          ["server", "hello\n", 0],
          ["client", "how are you?\n", 0],
          ["server", "how are you?\n", 0],
        ]);
        expectBytes(
          formatFollow(followStreams(packets)),
          [
            "connection 1: client 127.0.0.1.51000, server 127.0.0.1.9190",
            "  handshake: SYN, SYN-ACK, ACK",
            '  client > server: "hello\\n" (6 bytes)',
            '  server > client: "hello\\n" (6 bytes)',
            '  client > server: "how are you?\\n" (13 bytes)',
            '  server > client: "how are you?\\n" (13 bytes)',
            "  teardown: FIN from client, FIN from server",
            "  client sent 19 bytes, server sent 19 bytes",
            "",
          ].join("\n"),
          TEXT,
        );
      },
    );

    it(
      t({
        en: "puts segments back in sequence order: out of order, retransmitted and overlapping ones",
        ko: "순서가 뒤바뀐 세그먼트, 재전송된 세그먼트, 겹치는 세그먼트를 순서 번호 순으로 되돌린다",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "World!"), // arrives before "Hello "
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "), // retransmitted
          pkt("c", F.PSH | F.ACK, C_ISN + 10, S_ISN + 1, "ld!\n"), // overlaps: only "\n" is new
        ];
        const [c] = followStreams(packets);
        expect(
          c?.turns.map((t) => t.bytes.toString()),
          TURNS,
        ).toEqual(["Hello World!\n"]);
        expect(c?.sent, "sent").toEqual({ client: 13, server: 0 });
        expect(c?.retransmissions, "retransmissions").toBe(1);
        expect(formatFollow(followStreams(packets)), TEXT).toContain(
          "  retransmitted: 1 segment(s) already seen, left out\n",
        );
      },
    );

    it(
      t({
        en: "bytes that came early are put in place as soon as the gap before them fills, ahead of the other side's reply",
        ko: "일찍 온 바이트는 앞의 빈틈이 채워지자마자 제자리에 놓이고, 상대의 응답보다 앞선다",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "World"), // early
          pkt("c", F.PSH | F.ACK, C_ISN + 8, S_ISN + 1, "orl"), // early, and all inside "World"
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "), // fills the gap
          pkt("c", F.PSH | F.ACK, C_ISN + 12, S_ISN + 1, "!\n"),
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 14, "hi"),
        ];
        const [c] = followStreams(packets);
        expect(
          c?.turns.map((t) => [t.from, t.bytes.toString(), t.missing]),
          TURNS,
        ).toEqual([
          ["client", "Hello World!\n", 0],
          ["server", "hi", 0],
        ]);
        expect(c?.sent, "sent").toEqual({ client: 13, server: 2 });
      },
    );

    it(
      t({
        en: "a retransmission of the last segment is left out; an overlapping segment adds only its new bytes, and the stream goes on",
        ko: "마지막 세그먼트의 재전송은 빼고, 겹치는 세그먼트는 새 바이트만 더하며, 스트림은 이어진다",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hello"),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hello"), // retransmitted
          pkt("c", F.PSH | F.ACK, C_ISN + 4, S_ISN + 1, "lo, world"), // "lo" was seen already
          pkt("c", F.PSH | F.ACK, C_ISN + 13, S_ISN + 1, "!"),
        ];
        const [c] = followStreams(packets);
        expect(
          c?.turns.map((t) => t.bytes.toString()),
          TURNS,
        ).toEqual(["hello, world!"]);
        expect(c?.retransmissions, "retransmissions").toBe(1);
      },
    );

    it(
      t({
        en: "bytes after a gap that never fills stay after the gap, even once the bytes before it arrived",
        ko: "끝내 채워지지 않는 빈틈 뒤의 바이트는, 그 앞의 바이트가 도착한 뒤에도 빈틈 뒤에 남는다",
      }),
      () => {
        const packets = [
          ...handshake(),
          pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "ccc"),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "aaa"),
        ];
        expectBytes(
          formatFollow(followStreams(packets)),
          [
            "connection 1: client 127.0.0.1.51000, server 127.0.0.1.9190",
            "  handshake: SYN, SYN-ACK, ACK",
            '  client > server: "aaa" (3 bytes)',
            "  client > server: [3 bytes missing from the capture]",
            '  client > server: "ccc" (3 bytes)',
            "  teardown: not in the capture (still open)",
            "  client sent 6 bytes, server sent 0 bytes",
            "",
          ].join("\n"),
          TEXT,
        );
      },
    );

    it(
      t({
        en: "a segment the snapshot length cut: its bytes, then the rest as missing, at once; gap after gap is one line",
        ko: "스냅샷 길이가 자른 세그먼트: 그 바이트, 곧이어 나머지는 빠진 것으로; 이어진 빈틈은 한 줄",
      }),
      () => {
        const packets = [
          ...handshake(),
          // 6 bytes sent, 3 captured (the IP header still says 6).
          cutTo(pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "abcdef"), 3),
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 7, "xyz"),
          pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 4, "gh"),
          // 5 sent, 2 captured; then 4 bytes never captured at all before "zz".
          cutTo(pkt("c", F.PSH | F.ACK, C_ISN + 9, S_ISN + 4, "ijklm"), 2),
          pkt("c", F.PSH | F.ACK, C_ISN + 18, S_ISN + 4, "zz"),
        ];
        expectBytes(
          formatFollow(followStreams(packets)),
          [
            "connection 1: client 127.0.0.1.51000, server 127.0.0.1.9190",
            "  handshake: SYN, SYN-ACK, ACK",
            '  client > server: "abc" (3 bytes)',
            "  client > server: [3 bytes missing from the capture]",
            '  server > client: "xyz" (3 bytes)',
            '  client > server: "ghij" (4 bytes)',
            "  client > server: [7 bytes missing from the capture]",
            '  client > server: "zz" (2 bytes)',
            "  teardown: not in the capture (still open)",
            "  client sent 9 bytes, server sent 3 bytes",
            "",
          ].join("\n"),
          TEXT,
        );
      },
    );

    it(
      t({
        en: "what still waits behind a gap at the end comes out in sequence order, each byte once",
        ko: "끝까지 빈틈 뒤에서 기다리던 바이트는 순서 번호 순으로, 바이트마다 한 번씩 나온다",
      }),
      () => {
        const packets = [
          ...handshake(),
          // Bytes 10-12, 5-10 and 7-8 after the server's SYN (its numbers wrap round 2^32 on the way); 0-4 never came.
          pkt("s", F.PSH | F.ACK, S_ISN + 1 + 10, C_ISN + 1, "fgh"),
          pkt("s", F.PSH | F.ACK, S_ISN + 1 + 5, C_ISN + 1, "abcdef"),
          pkt("s", F.PSH | F.ACK, S_ISN + 1 + 7, C_ISN + 1, "cd"),
        ];
        const text = formatFollow(followStreams(packets));
        expect(text, TEXT).toContain(
          [
            "  server > client: [5 bytes missing from the capture]",
            '  server > client: "abcdefgh" (8 bytes)',
            "  teardown: not in the capture (still open)",
            "  client sent 0 bytes, server sent 8 bytes",
            "",
          ].join("\n"),
        );
        expect(text, TEXT).not.toContain("client > server");
      },
    );

    it(
      t({
        en: "data on the SYN itself (TCP Fast Open) starts one after the SYN's sequence number",
        ko: "SYN 자체에 실린 데이터(TCP Fast Open)는 SYN의 순서 번호 다음부터 시작한다",
      }),
      () => {
        const packets = [
          pkt("c", F.SYN, C_ISN, 0, "GET /"),
          pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 6),
          pkt("c", F.PSH | F.ACK, C_ISN + 6, S_ISN + 1, " HTTP/1.0\r\n"),
        ];
        expect(
          followStreams(packets)[0]?.turns.map((t) => t.bytes.toString()),
          TURNS,
        ).toEqual(["GET / HTTP/1.0\r\n"]);
      },
    );

    it(
      t({
        en: "a capture that begins at the SYN-ACK still knows the client: the one the SYN-ACK is sent to",
        ko: "SYN-ACK부터 시작하는 캡처에서도 클라이언트를 안다: SYN-ACK을 받는 쪽이다",
      }),
      () => {
        const packets = [
          pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
          pkt("c", F.ACK, C_ISN + 1, S_ISN + 1),
          pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hi"),
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 3, "ho"),
        ];
        const [c] = followStreams(packets);
        expect([c?.client, c?.server], t({ en: "[client, server]", ko: "[클라이언트, 서버]" })).toEqual([
          "127.0.0.1.51000",
          "127.0.0.1.9190",
        ]);
        expect(c?.handshake, "handshake").toEqual(["SYN-ACK", "ACK"]);
        expect(
          c?.turns.map((t) => [t.from, t.bytes.toString()]),
          TURNS,
        ).toEqual([
          ["client", "hi"],
          ["server", "ho"],
        ]);
      },
    );

    it(
      t({
        en: "the handshake's third step is the client's ACK: the server's packet after its SYN-ACK is not",
        ko: "핸드셰이크의 세 번째 단계는 클라이언트의 ACK이다: SYN-ACK 뒤에 서버가 보낸 패킷은 아니다",
      }),
      () => {
        const packets = [
          pkt("c", F.SYN, C_ISN, 0),
          pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
          // The server greets at once; the capture stops before the client's ACK.
          pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 1, "Hello World!"),
        ];
        expect(followStreams(packets)[0]?.handshake, "handshake").toEqual(["SYN", "SYN-ACK"]);
      },
    );

    it(
      t({
        en: "a retransmitted SYN or FIN is one step of the handshake or of the teardown, not two",
        ko: "재전송된 SYN이나 FIN은 핸드셰이크나 연결 종료의 한 단계이지, 두 단계가 아니다",
      }),
      () => {
        const packets = [
          pkt("c", F.SYN, C_ISN, 0),
          pkt("c", F.SYN, C_ISN, 0), // no SYN-ACK within a second: sent again
          pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
          pkt("c", F.ACK, C_ISN + 1, S_ISN + 1),
          pkt("c", F.FIN | F.ACK, C_ISN + 1, S_ISN + 1),
          pkt("c", F.FIN | F.ACK, C_ISN + 1, S_ISN + 1), // not acknowledged in time: sent again
          pkt("s", F.FIN | F.ACK, S_ISN + 1, C_ISN + 2),
          pkt("c", F.ACK, C_ISN + 2, S_ISN + 2),
        ];
        const connections = followStreams(packets);
        expect(connections, t({ en: "the connections", ko: "연결들" })).toHaveLength(1);
        expect(connections[0]?.handshake, "handshake").toEqual(["SYN", "SYN-ACK", "ACK"]);
        expect(connections[0]?.teardown, "teardown").toEqual(["FIN from client", "FIN from server"]);
      },
    );

    it(
      t({
        en: "the same ports again: a new SYN after the connection ended (a FIN each way, or a reset) is a new connection; the same SYN again is not",
        ko: "같은 포트를 다시 쓸 때: 연결이 끝난 뒤(양쪽의 FIN, 또는 리셋)의 새 SYN은 새 연결이고, 같은 SYN의 재전송은 아니다",
      }),
      () => {
        const packets = [
          // 1: a FIN each way.
          pkt("c", F.SYN, 1000, 0),
          pkt("s", F.SYN | F.ACK, 7000, 1001),
          pkt("c", F.ACK, 1001, 7001),
          pkt("c", F.PSH | F.ACK, 1001, 7001, "one"),
          pkt("c", F.FIN | F.ACK, 1004, 7001),
          pkt("s", F.FIN | F.ACK, 7001, 1005),
          pkt("c", F.ACK, 1005, 7002),
          // 2: the client closes and is gone; each segment the server still sends is answered with a reset.
          pkt("c", F.SYN, 5000, 0),
          pkt("s", F.SYN | F.ACK, 8000, 5001),
          pkt("c", F.ACK, 5001, 8001),
          pkt("c", F.PSH | F.ACK, 5001, 8001, "two"),
          pkt("c", F.FIN | F.ACK, 5004, 8001),
          pkt("s", F.PSH | F.ACK, 8001, 5005, "la"),
          pkt("s", F.PSH | F.ACK, 8003, 5005, "te"),
          pkt("c", F.RST, 5005, 0),
          pkt("c", F.RST, 5005, 0),
          // 3: refused; the reset was lost on the way, so the client sent its SYN again.
          pkt("c", F.SYN, 9000, 0),
          pkt("s", F.RST | F.ACK, 0, 9001),
          pkt("c", F.SYN, 9000, 0),
          pkt("s", F.RST | F.ACK, 0, 9001),
        ];
        const connections = followStreams(packets).map((c) => ({
          number: c.number,
          handshake: c.handshake.join(", "),
          turns: c.turns.map((t) => `${t.from}: ${t.bytes.toString()}`),
          teardown: c.teardown.join(", "),
        }));
        expect(connections, t({ en: "the connections", ko: "연결들" })).toEqual([
          {
            number: 1,
            handshake: "SYN, SYN-ACK, ACK",
            turns: ["client: one"],
            teardown: "FIN from client, FIN from server",
          },
          {
            number: 2,
            handshake: "SYN, SYN-ACK, ACK",
            turns: ["client: two", "server: late"],
            teardown: "FIN from client, RST from client, RST from client",
          },
          { number: 3, handshake: "SYN", turns: [], teardown: "RST from server, RST from server" },
        ]);
      },
    );

    it(
      t({
        en: "shows a gap the capture missed, then the bytes after it",
        ko: "캡처가 놓친 빈틈을 보여 주고, 그 뒤의 바이트를 보여 준다",
      }),
      () => {
        const packets = [...handshake(), pkt("s", F.PSH | F.ACK, S_ISN + 1 + 5, C_ISN + 1, "after")];
        const text = formatFollow(followStreams(packets));
        expect(text, TEXT).toContain("  server > client: [5 bytes missing from the capture]\n");
        expect(text, TEXT).toContain('  server > client: "after" (5 bytes)\n');
      },
    );

    it(
      t({
        en: "a refused connection, a capture begun mid-connection, and two connections at once",
        ko: "거부된 연결, 연결 도중에 시작한 캡처, 동시에 열린 두 연결",
      }),
      () => {
        const other = { c: { address: "127.0.0.1", port: 51001 }, s: SERVER };
        const packets = [
          pkt("c", F.SYN, 1, 0, "", other),
          pkt("c", F.PSH | F.ACK, 500, 900, "mid", { c: { address: "10.0.0.2", port: 40000 }, s: SERVER }),
          pkt("s", F.RST | F.ACK, 0, 2, "", other),
        ];
        expectBytes(
          formatFollow(followStreams(packets)),
          [
            "connection 1: client 127.0.0.1.51001, server 127.0.0.1.9190",
            "  handshake: SYN",
            "  teardown: RST from server",
            "  client sent 0 bytes, server sent 0 bytes",
            "",
            "connection 2: client 10.0.0.2.40000, server 127.0.0.1.9190 (guessed: no SYN captured)",
            "  handshake: not in the capture",
            '  client > server: "mid" (3 bytes)',
            "  teardown: not in the capture (still open)",
            "  client sent 3 bytes, server sent 0 bytes",
            "",
          ].join("\n"),
          TEXT,
        );
        expectBytes(
          formatFollow([]),
          "no TCP connections in this capture\n",
          t({ en: "formatFollow([])", ko: "formatFollow([])가 만든 글" }),
        );
      },
    );

    it(
      t({
        en: "dissect.ts takes --follow after the file too, as tcpdump takes its options",
        ko: "dissect.ts는 tcpdump가 옵션을 받듯 파일 뒤에 오는 --follow도 받는다",
      }),
      async () => {
        const name = "hello-ipv4-ethernet";
        const before = await follow(["--follow", fixturePath(name)]);
        const after = await follow([fixturePath(name), "--follow"]);
        expectBytes(
          after,
          before,
          t({ en: "dissect.ts <file> --follow's stdout", ko: "dissect.ts <file> --follow의 stdout" }),
        );
      },
    );

    it(
      t({
        en: "dissect.ts --follow on the hello capture: Hello World! from the server, where hello-server.ts wrote it",
        ko: "hello 캡처에 dissect.ts --follow: hello-server.ts가 쓴 그 자리에서 서버가 보낸 Hello World!",
      }),
      async () => {
        const name = "hello-ipv4-ethernet";
        const [client, server] = endsOf(name);
        expectBytes(
          await follow(["--follow", fixturePath(name)]),
          [
            `connection 1: client ${client}, server ${server}`,
            "  handshake: SYN, SYN-ACK, ACK",
            '  server > client: "Hello World!" (12 bytes)',
            "  teardown: FIN from server, FIN from client",
            "  client sent 0 bytes, server sent 12 bytes",
            "",
          ].join("\n"),
          STDOUT,
        );
      },
    );

    it.each(["echo-ipv4-ethernet", "echo-ipv4-cooked-v2"])(
      t({
        en: "dissect.ts --follow %s.pcap: each line the echo client sent, and its echo",
        ko: "dissect.ts --follow %s.pcap: 에코 클라이언트가 보낸 줄마다 그 에코",
      }),
      async (name) => {
        const [client, server] = endsOf(name);
        expectBytes(
          await follow(["--follow", fixturePath(name)]),
          [
            `connection 1: client ${client}, server ${server}`,
            "  handshake: SYN, SYN-ACK, ACK",
            '  client > server: "Hello World!" (12 bytes)',
            '  server > client: "Hello World!" (12 bytes)',
            '  client > server: "How are you?" (12 bytes)',
            '  server > client: "How are you?" (12 bytes)',
            "  teardown: FIN from client, FIN from server",
            "  client sent 24 bytes, server sent 24 bytes",
            "",
          ].join("\n"),
          STDOUT,
        );
      },
    );

    it.each([
      ["echo-ipv4-ethernet-s90", 24],
      ["echo-ipv4-cooked-v1-s90", 22],
      ["echo-ipv4-cooked-v2-s90", 18],
    ] as const)(
      t({
        en: "dissect.ts --follow %s.pcap (tcpdump -s 90): the long line's first %i bytes, then the rest as missing",
        ko: "dissect.ts --follow %s.pcap(tcpdump -s 90): 긴 줄의 처음 %i바이트, 그다음 나머지는 빠진 것으로",
      }),
      async (name, captured) => {
        const [client, server] = endsOf(name);
        // The echo client sent "Hello World!", then a line of 481 bytes; -s 90 kept its first bytes only.
        const kept = `"${"0123456789abcdef".repeat(2).slice(0, captured)}" (${captured} bytes)`;
        const missing = `[${481 - captured} bytes missing from the capture]`;
        expectBytes(
          await follow(["--follow", fixturePath(name)]),
          [
            `connection 1: client ${client}, server ${server}`,
            "  handshake: SYN, SYN-ACK, ACK",
            '  client > server: "Hello World!" (12 bytes)',
            '  server > client: "Hello World!" (12 bytes)',
            `  client > server: ${kept}`,
            `  client > server: ${missing}`,
            `  server > client: ${kept}`,
            `  server > client: ${missing}`,
            "  teardown: FIN from client, FIN from server",
            `  client sent ${12 + captured} bytes, server sent ${12 + captured} bytes`,
            "",
          ].join("\n"),
          STDOUT,
        );
      },
    );

    it.each(["echo-ipv6-ethernet", "echo-ipv6-cooked-v2-nano"])(
      t({
        en: "dissect.ts --follow %s.pcap: the IPv6 echo",
        ko: "dissect.ts --follow %s.pcap: IPv6 에코",
      }),
      async (name) => {
        const [client, server] = endsOf(name);
        const stdout = await follow(["--follow", fixturePath(name)]);
        expect(stdout, STDOUT).toContain(`connection 1: client ${client}, server ${server}\n`);
        expect(stdout, STDOUT).toContain('  client > server: "Hello over IPv6!\\n" (17 bytes)\n');
        expect(stdout, STDOUT).toContain('  server > client: "Hello over IPv6!\\n" (17 bytes)\n');
        expect(stdout, STDOUT).toContain("  client sent 17 bytes, server sent 17 bytes\n");
      },
    );
  },
);

// Stage 3: ip.ts, the IP layer. What it must do:
//   - ipLayer("IPv4" | "IPv6", bytes) returns { version: 4 | 6, source, destination, protocol, headerLength,
//     checksumOk, fragment, extensions, payload, payloadLength }:
//       IPv4: headerLength (IHL, low nibble of byte 0) × 4, options included (IHL 6 = 24 bytes); protocol byte 9;
//         addresses bytes 12-19 as "10.0.0.1"; the payload ends at the total length (bytes 2-3), not at the end of
//         the buffer (Ethernet padding); checksumOk: the header checksum is right; fragment: more fragments
//         (0x2000) or an offset (0x0010), not for don't-fragment (0x4000); extensions [].
//       IPv6: 40 bytes, the payload length at 4, the next header at 6, addresses at 8 and 24 (formatIPv6);
//         extension headers skipped to reach TCP and named in extensions: 0 "HBH", 60 "DSTOPT", 44 (fragment)
//         `frag (0|<the length after it>)` (fragment: false for an atomic fragment, true when M, more fragments,
//         is set), 43 (routing) one entry; headerLength counts them (HBH + DSTOPT of 8 + 16 bytes: 64).
//     A header with nothing after it (nor after its last extension header; 59 is "no next header") has an empty
//     payload.
//   - ipLayer(protocol, bytes, wireLength) (wireLength defaults to bytes.length): the packet's length on the wire,
//     more than bytes.length when the capture's snapshot length cut it. payloadLength is the transport layer's
//     length the header gives (IPv4 total length - header length; IPv6 payload length - extension headers), and
//     payload holds only the bytes captured of it:
//       IPv4, 70 of its 506 bytes (wire 506): headerLength 20, payloadLength 486, checksumOk, payload the first 50
//         bytes of the segment; IPv4 of 40 bytes padded to 46 (wire 46): payloadLength 20;
//       IPv6 with a fragment header, 60 of its 534 bytes: headerLength 48, payloadLength 486, extensions
//         ["frag (0|486)"] (the length on the wire), payload the first 12 bytes; cut at 48: an empty payload,
//         payloadLength 486; with a 16-byte hop-by-hop header cut at 50: headerLength 56, payloadLength 486,
//         ["HBH"], an empty payload.
//     A packet shorter on the wire than its header says is a PacketError: IPv4 total length 52 on a wire of 40
//     /total length 52.*\b40\b/, IPv6 payload length 32 on a wire of 60 /payload length 32.*\b20\b/.
//   - every extension header's length: hop-by-hop (0), routing (43), destination options (60) (length field + 1)
//     × 8 (16 and 32 bytes: headerLength 56 and 72; 8 and 40: 48 and 80; 8 and 24: 48 and 64); fragment (44) 8
//     bytes whatever its reserved byte 1 holds, "frag (0|32)", not a fragment with only the reserved bits 0x0006
//     set, a fragment at offset 16 (0x0010): "frag (16|32)"; authentication header (51) (length field + 2) × 4
//     (24 bytes: 64; 16: 56); a routing or AH header is one entry in extensions, named as you like (tcpdump prints
//     their fields); payloadLength the segment's 32 bytes. ESP (50) and no next header (59) end the chain: HBH then
//     ESP gives protocol 50, headerLength 48, ["HBH"], payloadLength 16, the ESP bytes as payload; a 16-byte DSTOPT
//     then 59 gives protocol 59, headerLength 56, ["DSTOPT"], payloadLength 8.
//   - internetChecksum(bytes) (RFC 1071): 0xb861 over the header 450000730000400040110000c0a80001c0a800c7, and 0
//     with that checksum written at bytes 10-11.
//   - formatIPv6(16 bytes) as tcpdump prints it:
//       00000000000000000000000000000001 "::1"                  00000000000000000000000000000000 "::"
//       fe800000000000000000000000000001 "fe80::1"              20010db8000000000001000000000001 "2001:db8::1:0:0:1"
//       20010000000000010000000000000001 "2001:0:0:1::1"        20010db8000000010001000100010001 "2001:db8:0:1:1:1:1:1"
//       00010002000300040005000600070008 "1:2:3:4:5:6:7:8"      00000000000000000000ffffc0000201 "::ffff:192.0.2.1"
//       20010DB8ABCD00120000000000000000 "2001:db8:abcd:12::"   000000000000000000000000c0000201 "::192.0.2.1"
//       000000000000000000001234c0000201 "::1234:c000:201"      00000000000100020003ffffc0000201 "::1:2:3:ffff:c000:201"
//   - a packet cut short or malformed throws a PacketError (errors.ts) whose message matches:
//       IPv4, 19 bytes                                                    /20 bytes.*19/
//       IPv4, IHL 4 (byte 0 0x44)                                         /header length 16/
//       IPv4, 30 of its 52 bytes                                          /total length 52.*30/
//       IPv6, 39 bytes                                                    /40 bytes.*39/
//       IPv6, 50 bytes of a packet whose payload length is 32             /payload length 32.*10/
//       IPv4 with version 6 in byte 0 (0x65)                              /version 6/
//       IPv6 with version 4 in byte 0 (0x45)                              /version 4/
//       IPv4, IHL 4 in 20 bytes whose total length is 20                  /header length 16/
//       IPv4, IHL 6 (24 bytes) in a 22-byte packet                        /\b22 bytes/
//       IPv4, total length 10                                             /total length 10\b/
//       IPv6, a hop-by-hop header with 1 of its 8 bytes                   /extension header/
//       IPv6, a hop-by-hop header whose length (16 bytes) runs past the packet   /extension header/
// The functions are called directly, behind the boundary (load(): a worker, 3 s per call); the payload comes back
// as a Buffer, compared by its bytes.
import { load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { ipv4, ipv6, recordsOf, tcp, udp } from "./build.ts";
import { fixtureBytes, FIXTURES, thrown } from "./helpers.ts";

type Ip = typeof import("../solution/ip.ts");
type Errors = typeof import("../solution/errors.ts");
const { formatIPv6, internetChecksum, ipLayer } = load<Ip>(program("ip.ts"));
const { PacketError } = load<Errors>(program("errors.ts"));

const LINK_HEADER: Record<number, number> = { 1: 14, 113: 16, 276: 20 };
const segment = tcp({ payload: "Hello World!" });
const PAYLOAD = t({ en: "the payload", ko: "페이로드" });

function withByte0(packet: Buffer, byte: number): Buffer {
  const copy = Buffer.from(packet);
  copy[0] = byte;
  return copy;
}

/** A hop-by-hop (or routing, or destination) options header of `length` bytes, its length field set. */
function hopByHop(length: number): Buffer {
  const h = Buffer.alloc(length);
  h[1] = length / 8 - 1;
  return h;
}

describe(t({ en: "stage 3: the IP layer", ko: "3단계: IP 계층" }), () => {
  it.each(FIXTURES)(
    t({
      en: "%s.pcap: loopback addresses, TCP inside, the header checksum right",
      ko: "%s.pcap: 루프백 주소, 안에 든 TCP, 올바른 헤더 체크섬",
    }),
    (name) => {
      const file = fixtureBytes(name);
      const skip = LINK_HEADER[file.readUInt32LE(20)] ?? 0;
      const v6 = name.includes("ipv6");
      for (const [i, [record, frame]] of recordsOf(file).entries()) {
        const which = t({ en: `packet ${i + 1}`, ko: `${i + 1}번째 패킷` });
        // The packet's length on the wire: the record's original length less the link header.
        const wire = record.readUInt32LE(12) - skip;
        const ip = ipLayer(v6 ? "IPv6" : "IPv4", frame.subarray(skip), wire);
        expect(ip, which).toMatchObject({
          version: v6 ? 6 : 4,
          source: v6 ? "::1" : "127.0.0.1",
          destination: v6 ? "::1" : "127.0.0.1",
          protocol: 6,
          headerLength: v6 ? 40 : 20,
          checksumOk: true,
          fragment: false,
          extensions: [],
        });
        expect(ip.payload, `${which}: ${PAYLOAD}`).toHaveLength(frame.length - skip - (v6 ? 40 : 20));
        expect(ip.payloadLength, `${which}: payloadLength`).toBe(wire - (v6 ? 40 : 20));
      }
    },
  );

  it(
    t({
      en: "a packet the snapshot length cut: the payload holds the bytes captured, payloadLength the length on the wire",
      ko: "스냅샷 길이가 자른 패킷: payload에는 캡처된 바이트가, payloadLength에는 실제 길이가 담긴다",
    }),
    () => {
      const data = tcp({ payload: "x".repeat(466) }); // 20 + 466 bytes
      const v4 = ipv4(data);
      const cut4 = ipLayer("IPv4", v4.subarray(0, 70), v4.length);
      expect(cut4, t({ en: "IPv4, 70 of its 506 bytes", ko: "IPv4, 506바이트 중 70바이트" })).toMatchObject({
        headerLength: 20,
        payloadLength: 486,
        checksumOk: true,
      });
      expect(cut4.payload.toString("hex"), PAYLOAD).toBe(data.subarray(0, 50).toString("hex"));
      // Ethernet pads a short frame: the wire length is then more than the total length, which still ends it.
      const padded = ipLayer("IPv4", Buffer.concat([ipv4(tcp()), Buffer.alloc(6)]), 46);
      expect(
        padded.payloadLength,
        t({ en: "payloadLength, padded", ko: "패딩된 패킷의 payloadLength" }),
      ).toBe(20);
      const v6 = ipv6(data, { extensions: [[44, Buffer.alloc(8)]] });
      const cut6 = ipLayer("IPv6", v6.subarray(0, 60), v6.length);
      expect(
        cut6,
        t({
          en: "IPv6 with a fragment header, 60 of its 534 bytes",
          ko: "단편 헤더가 있는 IPv6, 534바이트 중 60바이트",
        }),
      ).toMatchObject({ headerLength: 48, payloadLength: 486, extensions: ["frag (0|486)"] });
      expect(cut6.payload.toString("hex"), PAYLOAD).toBe(data.subarray(0, 12).toString("hex"));
      // Cut right after the headers: no payload captured at all, its length still known.
      const bare = ipLayer("IPv6", v6.subarray(0, 48), v6.length);
      expect(bare.payload, PAYLOAD).toHaveLength(0);
      expect(bare.payloadLength, "payloadLength").toBe(486);
      // Cut inside a 16-byte hop-by-hop header's options: its length field was captured, and the packet on the
      // wire holds the whole header, so it is passed by its length.
      const hbh = Buffer.alloc(16);
      hbh[1] = 1;
      const long = ipv6(data, { extensions: [[0, hbh]] });
      const inside = ipLayer("IPv6", long.subarray(0, 50), long.length);
      expect(
        inside,
        t({ en: "IPv6, cut inside a hop-by-hop header", ko: "hop-by-hop 헤더 안에서 잘린 IPv6" }),
      ).toMatchObject({ headerLength: 56, payloadLength: 486, extensions: ["HBH"] });
      expect(inside.payload, PAYLOAD).toHaveLength(0);
    },
  );

  it.each([
    ["IPv4", () => ipv4(segment), 40, /total length 52.*\b40\b/],
    ["IPv6", () => ipv6(segment), 60, /payload length 32.*\b20\b/],
  ] as const)(
    t({
      en: "%s: a packet shorter on the wire than its header says is a PacketError, whatever was captured",
      ko: "%s: 헤더가 말하는 것보다 실제로 짧은 패킷은 캡처된 양과 상관없이 PacketError",
    }),
    (protocol, bytes, wire, message) => {
      const whole = bytes();
      const err = thrown(() => ipLayer(protocol, whole.subarray(0, wire), wire));
      expect(err, t({ en: "the error thrown", ko: "던진 오류" })).toBeInstanceOf(PacketError);
      expect(err.message, t({ en: "the error's message", ko: "오류 메시지" })).toMatch(message);
    },
  );

  it(
    t({
      en: "IPv4: addresses, protocol, and the payload after a header with options (IHL 6 = 24 bytes)",
      ko: "IPv4: 주소, 프로토콜, 그리고 옵션이 있는 헤더(IHL 6 = 24바이트) 뒤의 페이로드",
    }),
    () => {
      const bytes = ipv4(segment, {
        source: "10.0.0.1",
        destination: "192.168.1.20",
        options: Buffer.from([1, 1, 1, 0]),
      });
      const ip = ipLayer("IPv4", bytes);
      expect(ip, t({ en: "the IPv4 header with options", ko: "옵션이 있는 IPv4 헤더" })).toMatchObject({
        version: 4,
        source: "10.0.0.1",
        destination: "192.168.1.20",
        protocol: 6,
        headerLength: 24,
      });
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(segment.toString("hex"));
      expect(
        ipLayer("IPv4", ipv4(udp(Buffer.from("dns?")), { protocol: 17 })).protocol,
        t({ en: "the protocol of a UDP packet", ko: "UDP 패킷의 protocol" }),
      ).toBe(17);
    },
  );

  it(
    t({
      en: "IPv4: the total length cuts off the link layer's padding (Ethernet pads short frames to 60 bytes)",
      ko: "IPv4: 전체 길이로 링크 계층의 패딩을 잘라 낸다(이더넷은 짧은 프레임을 60바이트까지 채운다)",
    }),
    () => {
      const bare = tcp();
      const ip = ipLayer("IPv4", Buffer.concat([ipv4(bare), Buffer.alloc(6)]));
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(bare.toString("hex"));
    },
  );

  it(
    t({
      en: "IPv4: the header checksum (RFC 1071) is verified",
      ko: "IPv4: 헤더 체크섬(RFC 1071)을 검사한다",
    }),
    () => {
      // The classic worked example: a valid header sums to 0; with its checksum field zeroed it gives 0xb861.
      const header = Buffer.from("450000730000400040110000c0a80001c0a800c7", "hex");
      expect(
        internetChecksum(header),
        t({ en: "the checksum of the header, its field zeroed", ko: "체크섬 필드를 0으로 둔 헤더의 체크섬" }),
      ).toBe(0xb861);
      header.writeUInt16BE(0xb861, 10);
      expect(
        internetChecksum(header),
        t({ en: "the checksum of the header, its field filled", ko: "체크섬 필드를 채운 헤더의 체크섬" }),
      ).toBe(0);
      expect(
        ipLayer("IPv4", ipv4(segment)).checksumOk,
        t({ en: "checksumOk of a right header", ko: "올바른 헤더의 checksumOk" }),
      ).toBe(true);
      expect(
        ipLayer("IPv4", ipv4(segment, { badChecksum: true })).checksumOk,
        t({ en: "checksumOk of a wrong header", ko: "잘못된 헤더의 checksumOk" }),
      ).toBe(false);
    },
  );

  it(
    t({
      en: "IPv4: a fragment (more fragments, or an offset) is marked, not taken for a whole datagram",
      ko: "IPv4: 단편(more fragments 또는 오프셋)은 표시하고, 온전한 데이터그램으로 여기지 않는다",
    }),
    () => {
      expect(
        ipLayer("IPv4", ipv4(segment, { fragment: 0x2000 })).fragment,
        t({
          en: "fragment, more fragments set (0x2000)",
          ko: "more fragments가 켜진(0x2000) 패킷의 fragment",
        }),
      ).toBe(true);
      expect(
        ipLayer("IPv4", ipv4(segment, { fragment: 0x0010 })).fragment,
        t({ en: "fragment, an offset (0x0010)", ko: "오프셋이 있는(0x0010) 패킷의 fragment" }),
      ).toBe(true);
      expect(
        ipLayer("IPv4", ipv4(segment, { fragment: 0x4000 })).fragment,
        t({
          en: "fragment, don't fragment set (0x4000)",
          ko: "don't fragment가 켜진(0x4000) 패킷의 fragment",
        }),
      ).toBe(false);
    },
  );

  it(
    t({
      en: "IPv6: the fixed 40-byte header, the next header, the payload length",
      ko: "IPv6: 40바이트 고정 헤더, 다음 헤더, 페이로드 길이",
    }),
    () => {
      const source = Buffer.from("20010db8000000000000000000000001", "hex");
      const ip = ipLayer("IPv6", Buffer.concat([ipv6(segment, { source }), Buffer.alloc(4)]));
      expect(ip, t({ en: "the IPv6 header", ko: "IPv6 헤더" })).toMatchObject({
        version: 6,
        source: "2001:db8::1",
        destination: "::1",
        protocol: 6,
        headerLength: 40,
      });
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(segment.toString("hex"));
    },
  );

  it(
    t({
      en: "IPv6: extension headers are skipped to reach TCP, and named as tcpdump names them",
      ko: "IPv6: 확장 헤더를 건너뛰어 TCP에 닿고, 확장 헤더마다 tcpdump가 부르는 이름을 남긴다",
    }),
    () => {
      const hbh = Buffer.alloc(8);
      const dst = Buffer.alloc(16);
      dst[1] = 1; // 2 × 8 bytes
      const ip = ipLayer(
        "IPv6",
        ipv6(segment, {
          extensions: [
            [0, hbh],
            [60, dst],
          ],
        }),
      );
      expect(ip, t({ en: "after HBH and DSTOPT", ko: "HBH와 DSTOPT 뒤" })).toMatchObject({
        protocol: 6,
        headerLength: 64,
        extensions: ["HBH", "DSTOPT"],
        fragment: false,
      });
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(segment.toString("hex"));

      const atomic = ipLayer("IPv6", ipv6(segment, { extensions: [[44, Buffer.alloc(8)]] }));
      expect(
        atomic,
        t({ en: "after a fragment header (offset 0, no M)", ko: "단편 헤더(오프셋 0, M 없음) 뒤" }),
      ).toMatchObject({
        protocol: 6,
        extensions: [`frag (0|${segment.length})`],
        fragment: false,
      });
      const more = Buffer.alloc(8);
      more.writeUInt16BE(0x0001, 2); // M: more fragments follow
      expect(
        ipLayer("IPv6", ipv6(segment, { extensions: [[44, more]] })).fragment,
        t({
          en: "fragment, M set (more fragments follow)",
          ko: "M이 켜진(뒤에 단편이 더 있는) 패킷의 fragment",
        }),
      ).toBe(true);
    },
  );

  it(
    t({
      en: "IPv6: a routing header (43) is skipped to reach TCP too",
      ko: "IPv6: 라우팅 헤더(43)도 건너뛰어 TCP에 닿는다",
    }),
    () => {
      const ip = ipLayer("IPv6", ipv6(segment, { extensions: [[43, hopByHop(24)]] }));
      expect(ip, t({ en: "after a routing header", ko: "라우팅 헤더 뒤" })).toMatchObject({
        protocol: 6,
        headerLength: 64,
        fragment: false,
      });
      expect(ip.extensions, "extensions").toHaveLength(1);
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(segment.toString("hex"));
    },
  );

  /** An extension header of `bytes` bytes whose length field (byte 1) is `field`; fragment-header fields at 2-3. */
  function extension(bytes: number, field: number, at2 = 0): Buffer {
    const h = Buffer.alloc(bytes);
    h[1] = field;
    h.writeUInt16BE(at2, 2);
    return h;
  }

  it.each([
    // Hop-by-hop (0), routing (43), destination options (60): (length field + 1) × 8 bytes.
    [
      t({ en: "hop-by-hop, length field 1: 16 bytes", ko: "hop-by-hop, 길이 필드 1: 16바이트" }),
      0,
      extension(16, 1),
      56,
      ["HBH"],
      false,
    ],
    [
      t({ en: "hop-by-hop, length field 3: 32 bytes", ko: "hop-by-hop, 길이 필드 3: 32바이트" }),
      0,
      extension(32, 3),
      72,
      ["HBH"],
      false,
    ],
    [
      t({ en: "routing, length field 0: 8 bytes", ko: "라우팅, 길이 필드 0: 8바이트" }),
      43,
      extension(8, 0),
      48,
      undefined,
      false,
    ],
    [
      t({ en: "routing, length field 4: 40 bytes", ko: "라우팅, 길이 필드 4: 40바이트" }),
      43,
      extension(40, 4),
      80,
      undefined,
      false,
    ],
    [
      t({ en: "destination options, length field 0: 8 bytes", ko: "목적지 옵션, 길이 필드 0: 8바이트" }),
      60,
      extension(8, 0),
      48,
      ["DSTOPT"],
      false,
    ],
    [
      t({ en: "destination options, length field 2: 24 bytes", ko: "목적지 옵션, 길이 필드 2: 24바이트" }),
      60,
      extension(24, 2),
      64,
      ["DSTOPT"],
      false,
    ],
    // Fragment (44): always 8 bytes, whatever its reserved byte 1 holds; its offset and M flag at bytes 2-3.
    [
      t({
        en: "fragment, reserved byte 1 set: still 8 bytes",
        ko: "단편, 예약된 1번째 바이트가 채워져도 8바이트",
      }),
      44,
      extension(8, 0xff),
      48,
      ["frag (0|32)"],
      false,
    ],
    [
      t({
        en: "fragment, reserved bits 0x0006 set: not a fragment",
        ko: "단편 헤더, 예약 비트 0x0006만 켜짐: 단편이 아님",
      }),
      44,
      extension(8, 0, 0x0006),
      48,
      ["frag (0|32)"],
      false,
    ],
    [
      t({ en: "fragment at offset 16 (0x0010): a fragment", ko: "오프셋 16(0x0010)의 단편: 단편임" }),
      44,
      extension(8, 0, 0x0010),
      48,
      ["frag (16|32)"],
      true,
    ],
    // Authentication header (51): (length field + 2) × 4 bytes.
    [
      t({ en: "AH, length field 4: 24 bytes", ko: "AH, 길이 필드 4: 24바이트" }),
      51,
      extension(24, 4),
      64,
      undefined,
      false,
    ],
    [
      t({ en: "AH, length field 2: 16 bytes", ko: "AH, 길이 필드 2: 16바이트" }),
      51,
      extension(16, 2),
      56,
      undefined,
      false,
    ],
  ] as const)(
    t({
      en: "IPv6: %s, skipped to reach TCP",
      ko: "IPv6: %s, 건너뛰어 TCP에 닿는다",
    }),
    (_what, type, header, headerLength, extensions, fragment) => {
      const ip = ipLayer("IPv6", ipv6(segment, { extensions: [[type, header]] }));
      expect(ip, t({ en: "after the extension header", ko: "확장 헤더 뒤" })).toMatchObject({
        protocol: 6,
        headerLength,
        payloadLength: segment.length,
        fragment,
      });
      // Routing and AH headers are named as the learner likes (tcpdump prints their fields): one entry each.
      if (extensions) expect(ip.extensions, "extensions").toEqual(extensions);
      else expect(ip.extensions, "extensions").toHaveLength(1);
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(segment.toString("hex"));
    },
  );

  it(
    t({
      en: "IPv6: the chain ends at ESP (50) and at no next header (59), which are not skipped",
      ko: "IPv6: ESP(50)와 no next header(59)에서 확장 헤더 사슬이 끝나며, 이 둘은 건너뛰지 않는다",
    }),
    () => {
      // ESP encrypts what follows it: its 8-byte header, then ciphertext. The transport protocol is ESP itself.
      const esp = Buffer.from("0000100100000001deadbeefcafef00d", "hex");
      const ip = ipLayer("IPv6", ipv6(esp, { protocol: 50, extensions: [[0, extension(8, 0)]] }));
      expect(ip, t({ en: "HBH, then ESP", ko: "HBH 다음 ESP" })).toMatchObject({
        protocol: 50,
        headerLength: 48,
        extensions: ["HBH"],
        payloadLength: 16,
      });
      expect(ip.payload.toString("hex"), PAYLOAD).toBe(esp.toString("hex"));
      const none = ipLayer(
        "IPv6",
        ipv6(Buffer.alloc(8), { protocol: 59, extensions: [[60, extension(16, 1)]] }),
      );
      expect(none, t({ en: "DSTOPT, then no next header", ko: "DSTOPT 다음 no next header" })).toMatchObject({
        protocol: 59,
        headerLength: 56,
        extensions: ["DSTOPT"],
        payloadLength: 8,
      });
    },
  );

  it(
    t({
      en: "IPv4 and IPv6 headers with nothing after them (nor after the last extension header) are read: an empty payload",
      ko: "뒤에 아무것도 없는(마지막 확장 헤더 뒤에도 없는) IPv4와 IPv6 헤더도 읽는다: 빈 페이로드",
    }),
    () => {
      const v4 = ipLayer("IPv4", ipv4(Buffer.alloc(0)));
      expect(v4, "IPv4").toMatchObject({ version: 4, protocol: 6, headerLength: 20, checksumOk: true });
      expect(v4.payload, `IPv4: ${PAYLOAD}`).toHaveLength(0);
      // 59: "no next header", IPv6's way to say nothing follows.
      const v6 = ipLayer("IPv6", ipv6(Buffer.alloc(0), { protocol: 59 }));
      expect(v6, "IPv6").toMatchObject({ version: 6, protocol: 59, headerLength: 40, extensions: [] });
      expect(v6.payload, `IPv6: ${PAYLOAD}`).toHaveLength(0);
      const hbh = ipLayer("IPv6", ipv6(Buffer.alloc(0), { protocol: 59, extensions: [[0, hopByHop(8)]] }));
      expect(hbh, "IPv6 + HBH").toMatchObject({ protocol: 59, headerLength: 48, extensions: ["HBH"] });
      expect(hbh.payload, `IPv6 + HBH: ${PAYLOAD}`).toHaveLength(0);
    },
  );

  it.each([
    ["00000000000000000000000000000001", "::1"],
    ["00000000000000000000000000000000", "::"],
    ["fe800000000000000000000000000001", "fe80::1"],
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
    ["20010000000000010000000000000001", "2001:0:0:1::1"],
    ["20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"],
    ["00010002000300040005000600070008", "1:2:3:4:5:6:7:8"],
    ["00000000000000000000ffffc0000201", "::ffff:192.0.2.1"],
    ["20010DB8ABCD00120000000000000000", "2001:db8:abcd:12::"],
    ["000000000000000000000000c0000201", "::192.0.2.1"],
    ["000000000000000000001234c0000201", "::1234:c000:201"],
    ["00000000000100020003ffffc0000201", "::1:2:3:ffff:c000:201"],
  ])(
    t({
      en: "formatIPv6(%s) is %s, as tcpdump prints it",
      ko: "formatIPv6(%s): tcpdump가 찍는 그대로 %s",
    }),
    (hex, text) => {
      expect(formatIPv6(Buffer.from(hex, "hex")), `formatIPv6(${hex})`).toBe(text);
    },
  );

  it.each([
    ["IPv4", () => ipv4(segment).subarray(0, 19), /20 bytes.*19/],
    ["IPv4", () => Buffer.from([0x44, ...Buffer.alloc(19)]), /header length 16/],
    ["IPv4", () => ipv4(segment).subarray(0, 30), /total length 52.*30/],
    ["IPv6", () => ipv6(segment).subarray(0, 39), /40 bytes.*39/],
    ["IPv6", () => ipv6(segment).subarray(0, 50), /payload length 32.*10/],
    // A version nibble that is not the layer's own (EtherType 0x0800 over an IPv6 packet, say).
    ["IPv4", () => withByte0(ipv4(segment), 0x65), /version 6/],
    ["IPv6", () => withByte0(ipv6(segment), 0x45), /version 4/],
    // IHL 4 (16 bytes), even when the total length and the bytes would let 16 bytes of header pass.
    ["IPv4", () => Buffer.from([0x44, 0, 0, 20, ...Buffer.alloc(16)]), /header length 16/],
    // IHL 6 (24 bytes) in a 22-byte packet; then a total length (10) below the header's 20 bytes.
    ["IPv4", () => ipv4(tcp(), { options: Buffer.alloc(4) }).subarray(0, 22), /\b22 bytes/],
    ["IPv4", () => Buffer.from([0x45, 0, 0, 10, ...Buffer.alloc(16)]), /total length 10\b/],
    // A hop-by-hop header with 1 of its 8 bytes; then one whose length field (16 bytes) runs past the packet.
    ["IPv6", () => ipv6(Buffer.alloc(1), { protocol: 0 }), /extension header/],
    [
      "IPv6",
      () => ipv6(Buffer.alloc(0), { extensions: [[0, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])]] }),
      /extension header/,
    ],
  ] as const)(
    t({
      en: "%s: a packet cut short or malformed is a PacketError (%#)",
      ko: "%s: 잘렸거나 형식이 잘못된 패킷은 PacketError (%#)",
    }),
    (protocol, bytes, message) => {
      const err = thrown(() => ipLayer(protocol, bytes()));
      expect(err, t({ en: "the error thrown", ko: "던진 오류" })).toBeInstanceOf(PacketError);
      expect(err.message, t({ en: "the error's message", ko: "오류 메시지" })).toMatch(message);
    },
  );
});

// Stage 2: link.ts, the link layer. What it must do:
//   - linkLayer(linkType, frame) returns { protocol, carries, payload }: protocol "IPv4" or "IPv6" when the frame
//     carries IP (else undefined), carries the same name or what else it is, payload the bytes after the link
//     header (empty when the frame is its link header and nothing more):
//       1 Ethernet: 14 bytes, the EtherType at 12-13 (0x0800 IPv4, 0x86dd IPv6; 0x0806 carries "ARP", any other
//         "EtherType 0x" and four hex digits: "EtherType 0x88cc", "EtherType 0x0842");
//       0 BSD loopback: 4 bytes, the family in the capturing host's byte order (2 IPv4; 10, 23, 24, 28, 30 IPv6;
//         another carries "family 17");
//       108 OpenBSD loopback: 4 bytes, the family always big-endian (02 00 00 00 carries "family 33554432");
//       113 Linux cooked v1: 16 bytes, the EtherType at 14-15; 276 Linux cooked v2: 20 bytes, the EtherType at 0-1;
//       101 raw IP: no header, the version nibble (another version carries "IP version 5");
//       228 raw IPv4, 229 raw IPv6: no header.
//     Any other link type (9, 105, 127, 147, 195, 220, 249, 253, ...) returns undefined.
//   - a frame too short for its header throws a PacketError (errors.ts; its name "PacketError") whose message
//     matches: link type 1, 13 bytes /Ethernet.*14.*13/; link type 0, 3 bytes /loopback.*4.*3/; link type 108,
//     3 bytes /loopback.*4.*3/; link type 113, 15 bytes /cooked v1.*16.*15/; link type 276, 19 bytes
//     /cooked v2.*20.*19/.
//   - linkTypeName(linkType) (given) is tcpdump's name: 0 "NULL (BSD loopback)", 1 "EN10MB (Ethernet)", 9 "PPP (PPP)",
//     101 "RAW (Raw IP)", 105 "IEEE802_11 (802.11)", 108 "LOOP (OpenBSD loopback)", 113 "LINUX_SLL (Linux cooked v1)",
//     127 "IEEE802_11_RADIO (802.11 plus radiotap header)", 195 "IEEE802_15_4 (IEEE 802.15.4 with FCS)",
//     220 "USB_LINUX_MMAPPED (USB with padded Linux header)", 228 "IPV4 (Raw IPv4)", 229 "IPV6 (Raw IPv6)",
//     249 "USBPCAP (USB with USBPcap header)", 253 "NETLINK (Linux netlink)", 276 "LINUX_SLL2 (Linux cooked v2)";
//     another contains its number (4242).
// The functions are called directly, behind the boundary (load(): a worker, 3 s per call); the payload comes back
// as a Buffer, compared by its bytes.
import { load, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { bsdLoopback, ethernet, ipv4, ipv6, linuxCooked, linuxCookedV2, recordsOf, tcp } from "./build.ts";
import { fixtureBytes, FIXTURES, thrown } from "./helpers.ts";

type Link = typeof import("../solution/link.ts");
type Errors = typeof import("../solution/errors.ts");
const { linkLayer, linkTypeName } = load<Link>(program("link.ts"));
const { PacketError } = load<Errors>(program("errors.ts"));

const packet = ipv4(tcp({ payload: "Hello World!" }));
const packet6 = ipv6(tcp({ payload: "Hello World!" }));
const HEADER_BYTES: Record<number, number> = { 1: 14, 113: 16, 276: 20 };

describe(t({ en: "stage 2: the link layer", ko: "2단계: LINK 계층" }), () => {
  it.each(FIXTURES)(
    t({
      en: "%s.pcap: every frame carries IP; the payload starts right after the link header",
      ko: "%s.pcap: 모든 프레임이 IP를 싣고, 페이로드는 링크 헤더 바로 뒤에서 시작한다",
    }),
    (name) => {
      const file = fixtureBytes(name);
      const linkType = file.readUInt32LE(20);
      const version = name.includes("ipv6") ? "IPv6" : "IPv4";
      for (const [i, [, frame]] of recordsOf(file).entries()) {
        const which = t({ en: `frame ${i + 1}`, ko: `${i + 1}번째 프레임` });
        const link = linkLayer(linkType, frame);
        expect(link?.protocol, `${which}: protocol`).toBe(version);
        expect(link?.carries, `${which}: carries`).toBe(version);
        expect(link?.payload.toString("hex"), `${which}: payload`).toBe(
          frame.subarray(HEADER_BYTES[linkType]).toString("hex"),
        );
      }
    },
  );

  it(
    t({
      en: "Ethernet II (LINKTYPE 1): the EtherType at bytes 12-13 names the protocol",
      ko: "이더넷 II(LINKTYPE 1): 12-13바이트의 EtherType이 프로토콜을 알려 준다",
    }),
    () => {
      expect(linkLayer(1, ethernet(0x0800, packet)), "EtherType 0x0800").toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      expect(linkLayer(1, ethernet(0x86dd, packet))?.protocol, "EtherType 0x86dd").toBe("IPv6");
      expect(linkLayer(1, ethernet(0x0806, Buffer.alloc(28))), "EtherType 0x0806").toMatchObject({
        protocol: undefined,
        carries: "ARP",
      });
      expect(linkLayer(1, ethernet(0x88cc, Buffer.alloc(8))), "EtherType 0x88cc").toMatchObject({
        protocol: undefined,
        carries: "EtherType 0x88cc",
      });
      expect(
        linkLayer(1, ethernet(0x0842, Buffer.alloc(8)))?.carries,
        t({
          en: "EtherType 0x0842: four hex digits, as EtherTypes are written",
          ko: "EtherType 0x0842: EtherType을 쓰는 방식대로 16진수 네 자리",
        }),
      ).toBe("EtherType 0x0842");
    },
  );

  it(
    t({
      en: "BSD loopback (LINKTYPE 0): the address family, in the capturing host's byte order",
      ko: "BSD 루프백(LINKTYPE 0): 캡처한 호스트의 바이트 순서로 쓰인 주소 체계",
    }),
    () => {
      expect(linkLayer(0, bsdLoopback(2, packet)), t({ en: "family 2", ko: "주소 체계 2" })).toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      // AF_INET6 is 30 on macOS, 28 on FreeBSD, 24 on NetBSD/OpenBSD, 10 on Linux, 23 on Windows.
      for (const family of [30, 28, 24, 10, 23]) {
        expect(
          linkLayer(0, bsdLoopback(family, packet))?.protocol,
          t({ en: `family ${family}`, ko: `주소 체계 ${family}` }),
        ).toBe("IPv6");
        expect(
          linkLayer(0, bsdLoopback(family, packet, true))?.protocol,
          t({ en: `family ${family}, big-endian`, ko: `주소 체계 ${family}, 빅 엔디안` }),
        ).toBe("IPv6");
      }
      expect(
        linkLayer(0, bsdLoopback(2, packet, true))?.protocol,
        t({ en: "family 2 written big-endian", ko: "빅 엔디안으로 쓴 주소 체계 2" }),
      ).toBe("IPv4");
      expect(linkLayer(0, bsdLoopback(17, packet)), t({ en: "family 17", ko: "주소 체계 17" })).toMatchObject(
        {
          protocol: undefined,
          carries: "family 17",
        },
      );
    },
  );

  it(
    t({
      en: "Linux cooked v1 (LINKTYPE 113, tcpdump -i any -y LINUX_SLL): the protocol at bytes 14-15",
      ko: "Linux cooked v1(LINKTYPE 113, tcpdump -i any -y LINUX_SLL): 프로토콜은 14-15바이트",
    }),
    () => {
      expect(linkLayer(113, linuxCooked(0x0800, packet)), "EtherType 0x0800").toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      expect(linkLayer(113, linuxCooked(0x86dd, packet))?.protocol, "EtherType 0x86dd").toBe("IPv6");
    },
  );

  it(
    t({
      en: "Linux cooked v2 (LINKTYPE 276, tcpdump -i any): the protocol at bytes 0-1, 20 bytes of header",
      ko: "Linux cooked v2(LINKTYPE 276, tcpdump -i any): 프로토콜은 0-1바이트, 헤더는 20바이트",
    }),
    () => {
      expect(linkLayer(276, linuxCookedV2(0x0800, packet, 7)), "EtherType 0x0800").toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      expect(linkLayer(276, linuxCookedV2(0x86dd, packet))?.protocol, "EtherType 0x86dd").toBe("IPv6");
    },
  );

  it(
    t({
      en: "every link header carrying IPv6 says so and ends where the IPv6 packet begins",
      ko: "IPv6를 싣는 모든 링크 헤더는 그렇다고 알려 주고, IPv6 패킷이 시작하는 곳에서 끝난다",
    }),
    () => {
      const family24 = Buffer.alloc(4);
      family24.writeUInt32BE(24);
      const frames: [number, Buffer][] = [
        [1, ethernet(0x86dd, packet6)],
        [0, bsdLoopback(30, packet6)],
        [0, bsdLoopback(10, packet6, true)],
        [108, Buffer.concat([family24, packet6])],
        [113, linuxCooked(0x86dd, packet6)],
        [276, linuxCookedV2(0x86dd, packet6)],
        [101, packet6],
        [229, packet6],
      ];
      for (const [linkType, frame] of frames) {
        expect(
          linkLayer(linkType, frame),
          t({ en: `link type ${linkType}`, ko: `링크 타입 ${linkType}` }),
        ).toEqual({ protocol: "IPv6", carries: "IPv6", payload: packet6 });
      }
    },
  );

  it(
    t({
      en: "raw IP (LINKTYPE 101): the version nibble tells IPv4 from IPv6; another version is not IP",
      ko: "raw IP(LINKTYPE 101): 버전 니블로 IPv4와 IPv6를 가르고, 다른 버전은 IP가 아니다",
    }),
    () => {
      expect(linkLayer(101, packet), t({ en: "version 4", ko: "버전 4" })).toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      expect(linkLayer(101, packet6), t({ en: "version 6", ko: "버전 6" })).toEqual({
        protocol: "IPv6",
        carries: "IPv6",
        payload: packet6,
      });
      const v5 = Buffer.from([0x50, ...Buffer.alloc(19)]);
      expect(linkLayer(101, v5), t({ en: "version 5", ko: "버전 5" })).toEqual({
        protocol: undefined,
        carries: "IP version 5",
        payload: v5,
      });
      expect(linkTypeName(101), "linkTypeName(101)").toBe("RAW (Raw IP)");
    },
  );

  it(
    t({
      en: "raw IPv4 and raw IPv6 (LINKTYPE 228, 229): no link header, the frame is the packet",
      ko: "raw IPv4와 raw IPv6(LINKTYPE 228, 229): 링크 헤더가 없고 프레임이 곧 패킷이다",
    }),
    () => {
      expect(linkLayer(228, packet), t({ en: "link type 228", ko: "링크 타입 228" })).toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: packet,
      });
      expect(linkLayer(229, packet6), t({ en: "link type 229", ko: "링크 타입 229" })).toEqual({
        protocol: "IPv6",
        carries: "IPv6",
        payload: packet6,
      });
      expect(linkTypeName(228), "linkTypeName(228)").toBe("IPV4 (Raw IPv4)");
      expect(linkTypeName(229), "linkTypeName(229)").toBe("IPV6 (Raw IPv6)");
    },
  );

  it(
    t({
      en: "OpenBSD loopback (LINKTYPE 108): the address family always in network byte order",
      ko: "OpenBSD 루프백(LINKTYPE 108): 주소 체계는 언제나 네트워크 바이트 순서",
    }),
    () => {
      const family = (n: number, bigEndian: boolean) => {
        const h = Buffer.alloc(4);
        if (bigEndian) h.writeUInt32BE(n);
        else h.writeUInt32LE(n);
        return h;
      };
      expect(
        linkLayer(108, Buffer.concat([family(2, true), packet])),
        t({ en: "family 2, big-endian", ko: "빅 엔디안 주소 체계 2" }),
      ).toEqual({ protocol: "IPv4", carries: "IPv4", payload: packet });
      // Unlike BSD loopback (LINKTYPE 0), the bytes are not turned round: 02 00 00 00 is not AF_INET here.
      expect(
        linkLayer(108, Buffer.concat([family(2, false), packet])),
        t({ en: "the bytes 02 00 00 00", ko: "바이트 02 00 00 00" }),
      ).toMatchObject({ protocol: undefined, carries: "family 33554432" });
      expect(linkTypeName(108), "linkTypeName(108)").toBe("LOOP (OpenBSD loopback)");
    },
  );

  it.each([
    [9, "PPP (PPP)"],
    [105, "IEEE802_11 (802.11)"],
    [127, "IEEE802_11_RADIO (802.11 plus radiotap header)"],
    [195, "IEEE802_15_4 (IEEE 802.15.4 with FCS)"],
    [220, "USB_LINUX_MMAPPED (USB with padded Linux header)"],
    [249, "USBPCAP (USB with USBPcap header)"],
    [253, "NETLINK (Linux netlink)"],
  ])(
    t({
      en: "link type %i is not dissected (undefined); tcpdump names it %s",
      ko: "링크 타입 %i: 해부하지 않고(undefined), tcpdump가 붙이는 이름은 %s",
    }),
    (linkType, name) => {
      expect(linkLayer(linkType, Buffer.alloc(40)), `linkLayer(${linkType}, ...)`).toBeUndefined();
      expect(linkTypeName(linkType), `linkTypeName(${linkType})`).toBe(name);
    },
  );

  it.each([
    [1, ethernet(0x0800, Buffer.alloc(0))],
    [0, bsdLoopback(2, Buffer.alloc(0))],
    [108, Buffer.from([0, 0, 0, 2])],
    [113, linuxCooked(0x0800, Buffer.alloc(0))],
    [276, linuxCookedV2(0x0800, Buffer.alloc(0))],
  ])(
    t({
      en: "link type %i: a frame that is its link header and nothing more is read, with an empty payload",
      ko: "링크 타입 %i: 링크 헤더뿐인 프레임도 읽고, 페이로드는 비어 있다",
    }),
    (linkType, frame) => {
      expect(linkLayer(linkType, frame), `linkLayer(${linkType}, ...)`).toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: Buffer.alloc(0),
      });
    },
  );

  it(
    t({
      en: "other link types are not dissected (undefined) and are named as tcpdump names them",
      ko: "그 밖의 링크 타입은 해부하지 않고(undefined), tcpdump가 부르는 이름으로 부른다",
    }),
    () => {
      expect(linkLayer(105, Buffer.alloc(40)), "linkLayer(105, ...)").toBeUndefined();
      expect(linkLayer(147, Buffer.alloc(40)), "linkLayer(147, ...)").toBeUndefined();
      expect(linkTypeName(1), "linkTypeName(1)").toBe("EN10MB (Ethernet)");
      expect(linkTypeName(0), "linkTypeName(0)").toBe("NULL (BSD loopback)");
      expect(linkTypeName(113), "linkTypeName(113)").toBe("LINUX_SLL (Linux cooked v1)");
      expect(linkTypeName(276), "linkTypeName(276)").toBe("LINUX_SLL2 (Linux cooked v2)");
      expect(linkTypeName(105), "linkTypeName(105)").toContain("IEEE802_11");
      expect(linkTypeName(4242), "linkTypeName(4242)").toContain("4242");
    },
  );

  it.each([
    [1, 13, /Ethernet.*14.*13/],
    [0, 3, /loopback.*4.*3/],
    [108, 3, /loopback.*4.*3/],
    [113, 15, /cooked v1.*16.*15/],
    [276, 19, /cooked v2.*20.*19/],
  ])(
    t({
      en: "link type %i: a frame of %i bytes is too short for its header (PacketError)",
      ko: "링크 타입 %i: %i바이트 프레임은 헤더를 담기에 너무 짧다(PacketError)",
    }),
    (linkType, length, message) => {
      const err = thrown(() => linkLayer(linkType, Buffer.alloc(length)));
      expect(err, t({ en: "the error thrown", ko: "던진 오류" })).toBeInstanceOf(PacketError);
      expect(err.name, t({ en: "the name a stack trace shows", ko: "스택 트레이스에 보이는 이름" })).toBe(
        "PacketError",
      );
      expect(err.message, t({ en: "the error's message", ko: "오류 메시지" })).toMatch(message);
    },
  );
});

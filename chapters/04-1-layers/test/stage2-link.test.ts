import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { bsdLoopback, ethernet, ipv4, ipv6, linuxCooked, linuxCookedV2, recordsOf, tcp } from "./build.ts";
import { fixtureBytes, FIXTURES, thrown } from "./helpers.ts";

type Link = typeof import("../solution/link.ts");
type Errors = typeof import("../solution/errors.ts");
const { linkLayer, linkTypeName } = await impl<Link>("link.ts");
const { PacketError } = await impl<Errors>("errors.ts");

const packet = ipv4(tcp({ payload: "Hello World!" }));
const packet6 = ipv6(tcp({ payload: "Hello World!" }));
const HEADER_BYTES: Record<number, number> = { 1: 14, 113: 16, 276: 20 };

describe("stage 2: the link layer", () => {
  it.each(FIXTURES)(
    "%s.pcap: every frame carries IP; the payload starts right after the link header",
    (name) => {
      const file = fixtureBytes(name);
      const linkType = file.readUInt32LE(20);
      const version = name.includes("ipv6") ? 6 : 4;
      for (const [, frame] of recordsOf(file)) {
        const link = linkLayer(linkType, frame);
        expect(link?.protocol).toBe(version === 4 ? "IPv4" : "IPv6");
        expect(link?.carries).toBe(version === 4 ? "IPv4" : "IPv6");
        expect(link?.payload.toString("hex")).toBe(frame.subarray(HEADER_BYTES[linkType]).toString("hex"));
      }
    },
  );

  it("Ethernet II (LINKTYPE 1): the EtherType at bytes 12-13 names the protocol", () => {
    expect(linkLayer(1, ethernet(0x0800, packet))).toEqual({
      protocol: "IPv4",
      carries: "IPv4",
      payload: packet,
    });
    expect(linkLayer(1, ethernet(0x86dd, packet))?.protocol).toBe("IPv6");
    expect(linkLayer(1, ethernet(0x0806, Buffer.alloc(28)))).toMatchObject({
      protocol: undefined,
      carries: "ARP",
    });
    expect(linkLayer(1, ethernet(0x88cc, Buffer.alloc(8)))).toMatchObject({
      protocol: undefined,
      carries: "EtherType 0x88cc",
    });
    expect(
      linkLayer(1, ethernet(0x0842, Buffer.alloc(8)))?.carries,
      "four hex digits, as EtherTypes are written",
    ).toBe("EtherType 0x0842");
  });

  it("BSD loopback (LINKTYPE 0): the address family, in the capturing host's byte order", () => {
    expect(linkLayer(0, bsdLoopback(2, packet))).toEqual({
      protocol: "IPv4",
      carries: "IPv4",
      payload: packet,
    });
    // AF_INET6 is 30 on macOS, 28 on FreeBSD, 24 on NetBSD/OpenBSD, 10 on Linux, 23 on Windows.
    for (const family of [30, 28, 24, 10, 23]) {
      expect(linkLayer(0, bsdLoopback(family, packet))?.protocol, `family ${family}`).toBe("IPv6");
      expect(linkLayer(0, bsdLoopback(family, packet, true))?.protocol, `family ${family}, big-endian`).toBe(
        "IPv6",
      );
    }
    expect(linkLayer(0, bsdLoopback(2, packet, true))?.protocol, "family 2 written big-endian").toBe("IPv4");
    expect(linkLayer(0, bsdLoopback(17, packet))).toMatchObject({
      protocol: undefined,
      carries: "family 17",
    });
  });

  it("Linux cooked v1 (LINKTYPE 113, tcpdump -i any -y LINUX_SLL): the protocol at bytes 14-15", () => {
    expect(linkLayer(113, linuxCooked(0x0800, packet))).toEqual({
      protocol: "IPv4",
      carries: "IPv4",
      payload: packet,
    });
    expect(linkLayer(113, linuxCooked(0x86dd, packet))?.protocol).toBe("IPv6");
  });

  it("Linux cooked v2 (LINKTYPE 276, tcpdump -i any): the protocol at bytes 0-1, 20 bytes of header", () => {
    expect(linkLayer(276, linuxCookedV2(0x0800, packet, 7))).toEqual({
      protocol: "IPv4",
      carries: "IPv4",
      payload: packet,
    });
    expect(linkLayer(276, linuxCookedV2(0x86dd, packet))?.protocol).toBe("IPv6");
  });

  it("every link header carrying IPv6 says so and ends where the IPv6 packet begins", () => {
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
      expect(linkLayer(linkType, frame), `link type ${linkType}`).toEqual({
        protocol: "IPv6",
        carries: "IPv6",
        payload: packet6,
      });
    }
  });

  it("raw IP (LINKTYPE 101): the version nibble tells IPv4 from IPv6; another version is not IP", () => {
    expect(linkLayer(101, packet)).toEqual({ protocol: "IPv4", carries: "IPv4", payload: packet });
    expect(linkLayer(101, packet6)).toEqual({ protocol: "IPv6", carries: "IPv6", payload: packet6 });
    const v5 = Buffer.from([0x50, ...Buffer.alloc(19)]);
    expect(linkLayer(101, v5)).toEqual({ protocol: undefined, carries: "IP version 5", payload: v5 });
    expect(linkTypeName(101)).toBe("RAW (Raw IP)");
  });

  it("raw IPv4 and raw IPv6 (LINKTYPE 228, 229): no link header, the frame is the packet", () => {
    expect(linkLayer(228, packet)).toEqual({ protocol: "IPv4", carries: "IPv4", payload: packet });
    expect(linkLayer(229, packet6)).toEqual({ protocol: "IPv6", carries: "IPv6", payload: packet6 });
    expect(linkTypeName(228)).toBe("IPV4 (Raw IPv4)");
    expect(linkTypeName(229)).toBe("IPV6 (Raw IPv6)");
  });

  it("OpenBSD loopback (LINKTYPE 108): the address family always in network byte order", () => {
    const family = (n: number, bigEndian: boolean) => {
      const h = Buffer.alloc(4);
      if (bigEndian) h.writeUInt32BE(n);
      else h.writeUInt32LE(n);
      return h;
    };
    expect(linkLayer(108, Buffer.concat([family(2, true), packet]))).toEqual({
      protocol: "IPv4",
      carries: "IPv4",
      payload: packet,
    });
    // Unlike BSD loopback (LINKTYPE 0), the bytes are not turned round: 02 00 00 00 is not AF_INET here.
    expect(linkLayer(108, Buffer.concat([family(2, false), packet]))).toMatchObject({
      protocol: undefined,
      carries: "family 33554432",
    });
    expect(linkTypeName(108)).toBe("LOOP (OpenBSD loopback)");
  });

  it.each([
    [9, "PPP (PPP)"],
    [105, "IEEE802_11 (802.11)"],
    [127, "IEEE802_11_RADIO (802.11 plus radiotap header)"],
    [195, "IEEE802_15_4 (IEEE 802.15.4 with FCS)"],
    [220, "USB_LINUX_MMAPPED (USB with padded Linux header)"],
    [249, "USBPCAP (USB with USBPcap header)"],
    [253, "NETLINK (Linux netlink)"],
  ])("link type %i is not dissected (undefined); tcpdump names it %s", (linkType, name) => {
    expect(linkLayer(linkType, Buffer.alloc(40))).toBeUndefined();
    expect(linkTypeName(linkType)).toBe(name);
  });

  it.each([
    [1, ethernet(0x0800, Buffer.alloc(0))],
    [0, bsdLoopback(2, Buffer.alloc(0))],
    [108, Buffer.from([0, 0, 0, 2])],
    [113, linuxCooked(0x0800, Buffer.alloc(0))],
    [276, linuxCookedV2(0x0800, Buffer.alloc(0))],
  ])(
    "link type %i: a frame that is its link header and nothing more is read, with an empty payload",
    (linkType, frame) => {
      expect(linkLayer(linkType, frame)).toEqual({
        protocol: "IPv4",
        carries: "IPv4",
        payload: Buffer.alloc(0),
      });
    },
  );

  it("other link types are not dissected (undefined) and are named as tcpdump names them", () => {
    expect(linkLayer(105, Buffer.alloc(40))).toBeUndefined();
    expect(linkLayer(147, Buffer.alloc(40))).toBeUndefined();
    expect(linkTypeName(1)).toBe("EN10MB (Ethernet)");
    expect(linkTypeName(0)).toBe("NULL (BSD loopback)");
    expect(linkTypeName(113)).toBe("LINUX_SLL (Linux cooked v1)");
    expect(linkTypeName(276)).toBe("LINUX_SLL2 (Linux cooked v2)");
    expect(linkTypeName(105)).toContain("IEEE802_11");
    expect(linkTypeName(4242)).toContain("4242");
  });

  it.each([
    [1, 13, /Ethernet.*14.*13/],
    [0, 3, /loopback.*4.*3/],
    [108, 3, /loopback.*4.*3/],
    [113, 15, /cooked v1.*16.*15/],
    [276, 19, /cooked v2.*20.*19/],
  ])(
    "link type %i: a frame of %i bytes is too short for its header (PacketError)",
    (linkType, length, message) => {
      const err = thrown(() => linkLayer(linkType, Buffer.alloc(length)));
      expect(err).toBeInstanceOf(PacketError);
      expect(err.name, "the name a stack trace shows").toBe("PacketError");
      expect(err.message).toMatch(message);
    },
  );
});

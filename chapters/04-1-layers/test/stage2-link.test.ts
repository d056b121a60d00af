import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { bsdLoopback, ethernet, ipv4, linuxCooked, linuxCookedV2, recordsOf, tcp } from "./build.ts";
import { fixtureBytes, FIXTURES, thrown } from "./helpers.ts";

type Link = typeof import("../solution/link.ts");
type Errors = typeof import("../solution/errors.ts");
const { linkLayer, linkTypeName } = await impl<Link>("link.ts");
const { PacketError } = await impl<Errors>("errors.ts");

const packet = ipv4(tcp({ payload: "Hello World!" }));
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
    [113, 15, /cooked v1.*16.*15/],
    [276, 19, /cooked v2.*20.*19/],
  ])(
    "link type %i: a frame of %i bytes is too short for its header (PacketError)",
    (linkType, length, message) => {
      const err = thrown(() => linkLayer(linkType, Buffer.alloc(length)));
      expect(err).toBeInstanceOf(PacketError);
      expect(err.message).toMatch(message);
    },
  );
});

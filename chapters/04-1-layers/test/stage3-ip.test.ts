import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { ipv4, ipv6, recordsOf, tcp, udp } from "./build.ts";
import { fixtureBytes, FIXTURES, thrown } from "./helpers.ts";

type Ip = typeof import("../solution/ip.ts");
type Errors = typeof import("../solution/errors.ts");
const { formatIPv6, internetChecksum, ipLayer } = await impl<Ip>("ip.ts");
const { PacketError } = await impl<Errors>("errors.ts");

const LINK_HEADER: Record<number, number> = { 1: 14, 113: 16, 276: 20 };
const segment = tcp({ payload: "Hello World!" });

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

describe("stage 3: the IP layer", () => {
  it.each(FIXTURES)("%s.pcap: loopback addresses, TCP inside, the header checksum right", (name) => {
    const file = fixtureBytes(name);
    const skip = LINK_HEADER[file.readUInt32LE(20)] ?? 0;
    const v6 = name.includes("ipv6");
    for (const [, frame] of recordsOf(file)) {
      const ip = ipLayer(v6 ? "IPv6" : "IPv4", frame.subarray(skip));
      expect(ip).toMatchObject({
        version: v6 ? 6 : 4,
        source: v6 ? "::1" : "127.0.0.1",
        destination: v6 ? "::1" : "127.0.0.1",
        protocol: 6,
        headerLength: v6 ? 40 : 20,
        checksumOk: true,
        fragment: false,
        extensions: [],
      });
      expect(ip.payload).toHaveLength(frame.length - skip - (v6 ? 40 : 20));
    }
  });

  it("IPv4: addresses, protocol, and the payload after a header with options (IHL 6 = 24 bytes)", () => {
    const bytes = ipv4(segment, {
      source: "10.0.0.1",
      destination: "192.168.1.20",
      options: Buffer.from([1, 1, 1, 0]),
    });
    const ip = ipLayer("IPv4", bytes);
    expect(ip).toMatchObject({
      version: 4,
      source: "10.0.0.1",
      destination: "192.168.1.20",
      protocol: 6,
      headerLength: 24,
    });
    expect(ip.payload.toString("hex")).toBe(segment.toString("hex"));
    expect(ipLayer("IPv4", ipv4(udp(Buffer.from("dns?")), { protocol: 17 })).protocol).toBe(17);
  });

  it("IPv4: the total length cuts off the link layer's padding (Ethernet pads short frames to 60 bytes)", () => {
    const bare = tcp();
    const ip = ipLayer("IPv4", Buffer.concat([ipv4(bare), Buffer.alloc(6)]));
    expect(ip.payload.toString("hex")).toBe(bare.toString("hex"));
  });

  it("IPv4: the header checksum (RFC 1071) is verified", () => {
    // The classic worked example: a valid header sums to 0; with its checksum field zeroed it gives 0xb861.
    const header = Buffer.from("450000730000400040110000c0a80001c0a800c7", "hex");
    expect(internetChecksum(header)).toBe(0xb861);
    header.writeUInt16BE(0xb861, 10);
    expect(internetChecksum(header)).toBe(0);
    expect(ipLayer("IPv4", ipv4(segment)).checksumOk).toBe(true);
    expect(ipLayer("IPv4", ipv4(segment, { badChecksum: true })).checksumOk).toBe(false);
  });

  it("IPv4: a fragment (more fragments, or an offset) is marked, not taken for a whole datagram", () => {
    expect(ipLayer("IPv4", ipv4(segment, { fragment: 0x2000 })).fragment).toBe(true);
    expect(ipLayer("IPv4", ipv4(segment, { fragment: 0x0010 })).fragment).toBe(true);
    expect(ipLayer("IPv4", ipv4(segment, { fragment: 0x4000 })).fragment).toBe(false);
  });

  it("IPv6: the fixed 40-byte header, the next header, the payload length", () => {
    const source = Buffer.from("20010db8000000000000000000000001", "hex");
    const ip = ipLayer("IPv6", Buffer.concat([ipv6(segment, { source }), Buffer.alloc(4)]));
    expect(ip).toMatchObject({
      version: 6,
      source: "2001:db8::1",
      destination: "::1",
      protocol: 6,
      headerLength: 40,
    });
    expect(ip.payload.toString("hex")).toBe(segment.toString("hex"));
  });

  it("IPv6: extension headers are skipped to reach TCP, and named as tcpdump names them", () => {
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
    expect(ip).toMatchObject({
      protocol: 6,
      headerLength: 64,
      extensions: ["HBH", "DSTOPT"],
      fragment: false,
    });
    expect(ip.payload.toString("hex")).toBe(segment.toString("hex"));

    const atomic = ipLayer("IPv6", ipv6(segment, { extensions: [[44, Buffer.alloc(8)]] }));
    expect(atomic).toMatchObject({
      protocol: 6,
      extensions: [`frag (0|${segment.length})`],
      fragment: false,
    });
    const more = Buffer.alloc(8);
    more.writeUInt16BE(0x0001, 2); // M: more fragments follow
    expect(ipLayer("IPv6", ipv6(segment, { extensions: [[44, more]] })).fragment).toBe(true);
  });

  it("IPv6: a routing header (43) is skipped to reach TCP too", () => {
    const ip = ipLayer("IPv6", ipv6(segment, { extensions: [[43, hopByHop(24)]] }));
    expect(ip).toMatchObject({ protocol: 6, headerLength: 64, fragment: false });
    expect(ip.extensions).toHaveLength(1);
    expect(ip.payload.toString("hex")).toBe(segment.toString("hex"));
  });

  it("IPv4 and IPv6 headers with nothing after them (nor after the last extension header) are read: an empty payload", () => {
    const v4 = ipLayer("IPv4", ipv4(Buffer.alloc(0)));
    expect(v4).toMatchObject({ version: 4, protocol: 6, headerLength: 20, checksumOk: true });
    expect(v4.payload).toHaveLength(0);
    // 59: "no next header", IPv6's way to say nothing follows.
    const v6 = ipLayer("IPv6", ipv6(Buffer.alloc(0), { protocol: 59 }));
    expect(v6).toMatchObject({ version: 6, protocol: 59, headerLength: 40, extensions: [] });
    expect(v6.payload).toHaveLength(0);
    const hbh = ipLayer("IPv6", ipv6(Buffer.alloc(0), { protocol: 59, extensions: [[0, hopByHop(8)]] }));
    expect(hbh).toMatchObject({ protocol: 59, headerLength: 48, extensions: ["HBH"] });
    expect(hbh.payload).toHaveLength(0);
  });

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
  ])("formatIPv6(%s) is %s, as tcpdump prints it", (hex, text) => {
    expect(formatIPv6(Buffer.from(hex, "hex"))).toBe(text);
  });

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
  ] as const)("%s: a packet cut short or malformed is a PacketError (%#)", (protocol, bytes, message) => {
    const err = thrown(() => ipLayer(protocol, bytes()));
    expect(err).toBeInstanceOf(PacketError);
    expect(err.message).toMatch(message);
  });
});

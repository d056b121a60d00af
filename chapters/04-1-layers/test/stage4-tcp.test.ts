import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { F, tcp } from "./build.ts";
import { thrown } from "./helpers.ts";

type Tcp = typeof import("../solution/tcp.ts");
type Errors = typeof import("../solution/errors.ts");
const { formatTcpdump, tcpdumpFlags, tcpSegment } = await impl<Tcp>("tcp.ts");
const { PacketError } = await impl<Errors>("errors.ts");

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

describe("stage 4: TCP, printed as tcpdump prints it", () => {
  it("tcpSegment reads ports, sequence and acknowledgement numbers, data offset, flags, window", () => {
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
    expect({ ...s, payload: s.payload.toString() }).toEqual({
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
    expect(tcpSegment(tcp({ flags: F.URG | F.ACK, urgent: 7 })).urgentPointer).toBe(7);
  });

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
  ])("flags %i are [%s] in tcpdump's notation and order", (flags, text) => {
    expect(tcpdumpFlags(flags)).toBe(text);
  });

  it("prints the lines of the chapter's handshake, data and teardown exactly as tcpdump -n -t -S", () => {
    const lines = [
      formatTcpdump(V4, seg({ flags: F.SYN, seq: 609978440, window: 65495, headerLength: 40 })),
      formatTcpdump(
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
      formatTcpdump(V4, seg({ flags: F.PSH | F.ACK, seq: 609978441, ack: 3457706980, data: "q\n" })),
      formatTcpdump(
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
    expect(lines).toEqual([
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [S], seq 609978440, win 65495, length 0",
      "IP 127.0.0.1.47953 > 127.0.0.1.45642: Flags [S.], seq 3457706979, ack 609978441, win 65483, length 0",
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 609978441:609978443, ack 3457706980, win 64, length 2",
      "IP6 ::1.37692 > ::1.51747: Flags [F.], seq 1876170637, ack 3322847949, win 64, length 0",
    ]);
  });

  it("a pure ACK shows no seq; a RST without ACK shows no ack; URG adds urg; seq a:b wraps at 2^32", () => {
    expect(formatTcpdump(V4, seg({ flags: F.ACK, seq: 5, ack: 6 }))).toBe(
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [.], ack 6, win 64, length 0",
    );
    expect(formatTcpdump(V4, seg({ flags: F.RST, seq: 5, ack: 6 }))).toBe(
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [R], seq 5, win 64, length 0",
    );
    expect(
      formatTcpdump(V4, seg({ flags: F.URG | F.PSH | F.ACK, seq: 1, ack: 2, urgentPointer: 3, data: "abc" })),
    ).toBe("IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.U], seq 1:4, ack 2, win 64, urg 3, length 3");
    expect(formatTcpdump(V4, seg({ flags: F.PSH | F.ACK, seq: 4294967295, ack: 1, data: "zz" }))).toBe(
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [P.], seq 4294967295:1, ack 1, win 64, length 2",
    );
    expect(formatTcpdump(V4, seg({ flags: 0, seq: 5 }))).toBe(
      "IP 127.0.0.1.45642 > 127.0.0.1.47953: Flags [none], win 64, length 0",
    );
  });

  it("after IPv6 extension headers, tcpdump names them and prints the ports apart from the addresses", () => {
    expect(
      formatTcpdump(
        ip(6, "::1", "::1", ["HBH", "DSTOPT"]),
        seg({ flags: F.ACK, seq: 9, ack: 1, data: "hi" }),
      ),
    ).toBe("IP6 ::1 > ::1: HBH DSTOPT 45642 > 47953: Flags [.], seq 9:11, ack 1, win 64, length 2");
  });

  it.each([
    [() => tcp().subarray(0, 19), /20 bytes.*19/],
    // Too short even to hold the data offset (byte 12): the message still says how short.
    [() => tcp().subarray(0, 12), /20 bytes.*\b12\b/],
    [() => Buffer.from([...tcp().subarray(0, 12), 0x40, ...tcp().subarray(13)]), /data offset 16/],
    [() => tcp({ options: Buffer.alloc(8) }).subarray(0, 24), /data offset 28.*24/],
  ])("a segment cut short or malformed is a PacketError (%#)", (bytes, message) => {
    const err = thrown(() => tcpSegment(bytes()));
    expect(err).toBeInstanceOf(PacketError);
    expect(err.message).toMatch(message);
  });
});

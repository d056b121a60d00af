import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { F } from "./build.ts";
import { fixturePath, runDissect, tcpdumpLines } from "./helpers.ts";

type Follow = typeof import("../solution/follow.ts");
type Dissect = typeof import("../solution/dissect.ts");
const { escapeBytes, followStreams, formatFollow } = await impl<Follow>("follow.ts");
const { main } = await impl<Dissect>("dissect.ts");

type TcpPacket = import("../solution/follow.ts").TcpPacket;

const CLIENT = { address: "127.0.0.1", port: 51000 };
const SERVER = { address: "127.0.0.1", port: 9190 };
const C_ISN = 1000;
const S_ISN = 4_294_967_290; // close to 2^32: the server's sequence numbers wrap around

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

describe("stage 5: the application layer, connection by connection", () => {
  it('escapeBytes: text as itself, \\n \\r \\t \\" \\\\ escaped, UTF-8 kept, other bytes as \\xNN', () => {
    expect(escapeBytes(Buffer.from("Hello World!"))).toBe('"Hello World!"');
    expect(escapeBytes(Buffer.from('say "hi"\r\n\ta\\b'))).toBe('"say \\"hi\\"\\r\\n\\ta\\\\b"');
    expect(escapeBytes(Buffer.from("안녕하세요\n"))).toBe('"안녕하세요\\n"');
    expect(escapeBytes(Buffer.from([0x00, 0x7f, 0xff, 0xc3]))).toBe('"\\x00\\x7f\\xff\\xc3"');
    expect(escapeBytes(Buffer.from([0xec, 0x95, 0x41]))).toBe('"\\xec\\x95A"');
  });

  it("escapeBytes writes U+FFFD and control or format characters as their bytes", () => {
    // U+FFFD is what undecodable bytes turn into: kept as a character, it would hide them.
    expect(escapeBytes(Buffer.from("a\ufffdb"))).toBe('"a\\xef\\xbf\\xbdb"');
    // U+0085 (next line, a control character) and U+200B (zero width space, a format character).
    expect(escapeBytes(Buffer.from("\u0085\u200b"))).toBe('"\\xc2\\x85\\xe2\\x80\\x8b"');
  });

  it("one byte is (1 byte), sent 1 byte: the singular", () => {
    const packets = [
      ...handshake(),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "x"),
      pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 2, "y"),
    ];
    const text = formatFollow(followStreams(packets));
    expect(text).toContain('  client > server: "x" (1 byte)\n');
    expect(text).toContain("  client sent 1 byte, server sent 1 byte\n");
  });

  it("escapeBytes keeps UTF-8 characters of 2, 3 and 4 bytes whole, up to the very last byte", () => {
    // Lead bytes c2, df (2 bytes), e0, ef (3 bytes), f0 (4 bytes), and c3 ending the buffer.
    expect(escapeBytes(Buffer.from("£5 ߀ अ ！ 😀 café"))).toBe('"£5 ߀ अ ！ 😀 café"');
  });

  it("a whole connection: handshake, both directions in turn, teardown, byte counts", () => {
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
    expect(c).toMatchObject({
      number: 1,
      client: "127.0.0.1.51000",
      server: "127.0.0.1.9190",
      clientKnown: true,
      handshake: ["SYN", "SYN-ACK", "ACK"],
      teardown: ["FIN from client", "FIN from server"],
      sent: { client: 19, server: 19 },
      retransmissions: 0,
    });
    expect(c?.turns.map((t) => [t.from, t.bytes.toString(), t.missing])).toEqual([
      ["client", "hello\n", 0],
      ["server", "hello\n", 0],
      ["client", "how are you?\n", 0],
      ["server", "how are you?\n", 0],
    ]);
    expect(formatFollow(followStreams(packets))).toBe(
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
    );
  });

  it("puts segments back in sequence order: out of order, retransmitted and overlapping ones", () => {
    const packets = [
      ...handshake(),
      pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "World!"), // arrives before "Hello "
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "), // retransmitted
      pkt("c", F.PSH | F.ACK, C_ISN + 10, S_ISN + 1, "ld!\n"), // overlaps: only "\n" is new
    ];
    const [c] = followStreams(packets);
    expect(c?.turns.map((t) => t.bytes.toString())).toEqual(["Hello World!\n"]);
    expect(c?.sent).toEqual({ client: 13, server: 0 });
    expect(c?.retransmissions).toBe(1);
    expect(formatFollow(followStreams(packets))).toContain(
      "  retransmitted: 1 segment(s) already seen, left out\n",
    );
  });

  it("bytes that came early are put in place as soon as the gap before them fills, ahead of the other side's reply", () => {
    const packets = [
      ...handshake(),
      pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "World"), // early
      pkt("c", F.PSH | F.ACK, C_ISN + 8, S_ISN + 1, "orl"), // early, and all inside "World"
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "Hello "), // fills the gap
      pkt("c", F.PSH | F.ACK, C_ISN + 12, S_ISN + 1, "!\n"),
      pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 14, "hi"),
    ];
    const [c] = followStreams(packets);
    expect(c?.turns.map((t) => [t.from, t.bytes.toString(), t.missing])).toEqual([
      ["client", "Hello World!\n", 0],
      ["server", "hi", 0],
    ]);
    expect(c?.sent).toEqual({ client: 13, server: 2 });
  });

  it("a retransmission of the last segment is left out; an overlapping segment adds only its new bytes, and the stream goes on", () => {
    const packets = [
      ...handshake(),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hello"),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hello"), // retransmitted
      pkt("c", F.PSH | F.ACK, C_ISN + 4, S_ISN + 1, "lo, world"), // "lo" was seen already
      pkt("c", F.PSH | F.ACK, C_ISN + 13, S_ISN + 1, "!"),
    ];
    const [c] = followStreams(packets);
    expect(c?.turns.map((t) => t.bytes.toString())).toEqual(["hello, world!"]);
    expect(c?.retransmissions).toBe(1);
  });

  it("bytes after a gap that never fills stay after the gap, even once the bytes before it arrived", () => {
    const packets = [
      ...handshake(),
      pkt("c", F.PSH | F.ACK, C_ISN + 7, S_ISN + 1, "ccc"),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "aaa"),
    ];
    expect(formatFollow(followStreams(packets))).toBe(
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
    );
  });

  it("what still waits behind a gap at the end comes out in sequence order, each byte once", () => {
    const packets = [
      ...handshake(),
      // Bytes 10-12, 5-10 and 7-8 after the server's SYN (its numbers wrap round 2^32 on the way); 0-4 never came.
      pkt("s", F.PSH | F.ACK, S_ISN + 1 + 10, C_ISN + 1, "fgh"),
      pkt("s", F.PSH | F.ACK, S_ISN + 1 + 5, C_ISN + 1, "abcdef"),
      pkt("s", F.PSH | F.ACK, S_ISN + 1 + 7, C_ISN + 1, "cd"),
    ];
    const text = formatFollow(followStreams(packets));
    expect(text).toContain(
      [
        "  server > client: [5 bytes missing from the capture]",
        '  server > client: "abcdefgh" (8 bytes)',
        "  teardown: not in the capture (still open)",
        "  client sent 0 bytes, server sent 8 bytes",
        "",
      ].join("\n"),
    );
    expect(text).not.toContain("client > server");
  });

  it("data on the SYN itself (TCP Fast Open) starts one after the SYN's sequence number", () => {
    const packets = [
      pkt("c", F.SYN, C_ISN, 0, "GET /"),
      pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 6),
      pkt("c", F.PSH | F.ACK, C_ISN + 6, S_ISN + 1, " HTTP/1.0\r\n"),
    ];
    expect(followStreams(packets)[0]?.turns.map((t) => t.bytes.toString())).toEqual(["GET / HTTP/1.0\r\n"]);
  });

  it("a capture that begins at the SYN-ACK still knows the client: the one the SYN-ACK is sent to", () => {
    const packets = [
      pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
      pkt("c", F.ACK, C_ISN + 1, S_ISN + 1),
      pkt("c", F.PSH | F.ACK, C_ISN + 1, S_ISN + 1, "hi"),
      pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 3, "ho"),
    ];
    const [c] = followStreams(packets);
    expect([c?.client, c?.server]).toEqual(["127.0.0.1.51000", "127.0.0.1.9190"]);
    expect(c?.handshake).toEqual(["SYN-ACK", "ACK"]);
    expect(c?.turns.map((t) => [t.from, t.bytes.toString()])).toEqual([
      ["client", "hi"],
      ["server", "ho"],
    ]);
  });

  it("the handshake's third step is the client's ACK: the server's packet after its SYN-ACK is not", () => {
    const packets = [
      pkt("c", F.SYN, C_ISN, 0),
      pkt("s", F.SYN | F.ACK, S_ISN, C_ISN + 1),
      // The server greets at once; the capture stops before the client's ACK.
      pkt("s", F.PSH | F.ACK, S_ISN + 1, C_ISN + 1, "Hello World!"),
    ];
    expect(followStreams(packets)[0]?.handshake).toEqual(["SYN", "SYN-ACK"]);
  });

  it("a retransmitted SYN or FIN is one step of the handshake or of the teardown, not two", () => {
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
    expect(connections).toHaveLength(1);
    expect(connections[0]?.handshake).toEqual(["SYN", "SYN-ACK", "ACK"]);
    expect(connections[0]?.teardown).toEqual(["FIN from client", "FIN from server"]);
  });

  it("the same ports again: a new SYN after the connection ended (a FIN each way, or a reset) is a new connection; the same SYN again is not", () => {
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
    expect(connections).toEqual([
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
  });

  it("shows a gap the capture missed, then the bytes after it", () => {
    const packets = [...handshake(), pkt("s", F.PSH | F.ACK, S_ISN + 1 + 5, C_ISN + 1, "after")];
    const text = formatFollow(followStreams(packets));
    expect(text).toContain("  server > client: [5 bytes missing from the capture]\n");
    expect(text).toContain('  server > client: "after" (5 bytes)\n');
  });

  it("a refused connection, a capture begun mid-connection, and two connections at once", () => {
    const other = { c: { address: "127.0.0.1", port: 51001 }, s: SERVER };
    const packets = [
      pkt("c", F.SYN, 1, 0, "", other),
      pkt("c", F.PSH | F.ACK, 500, 900, "mid", { c: { address: "10.0.0.2", port: 40000 }, s: SERVER }),
      pkt("s", F.RST | F.ACK, 0, 2, "", other),
    ];
    const text = formatFollow(followStreams(packets));
    expect(text).toBe(
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
    );
    expect(formatFollow([])).toBe("no TCP connections in this capture\n");
  });

  it("dissect.ts takes --follow after the file too, as tcpdump takes its options", async () => {
    const name = "hello-ipv4-ethernet";
    const before = await runDissect(main, ["--follow", fixturePath(name)]);
    const after = await runDissect(main, [fixturePath(name), "--follow"]);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
  });

  it("dissect.ts --follow on the hello capture: Hello World! from the server, where hello-server.ts wrote it", async () => {
    const name = "hello-ipv4-ethernet";
    const [client, server] = endsOf(name);
    const ran = await runDissect(main, ["--follow", fixturePath(name)]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(
      [
        `connection 1: client ${client}, server ${server}`,
        "  handshake: SYN, SYN-ACK, ACK",
        '  server > client: "Hello World!" (12 bytes)',
        "  teardown: FIN from server, FIN from client",
        "  client sent 0 bytes, server sent 12 bytes",
        "",
      ].join("\n"),
    );
  });

  it.each(["echo-ipv4-ethernet", "echo-ipv4-cooked-v2"])(
    "dissect.ts --follow %s.pcap: each line the echo client sent, and its echo",
    async (name) => {
      const [client, server] = endsOf(name);
      const ran = await runDissect(main, ["--follow", fixturePath(name)]);
      expect(ran.stdout).toBe(
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
      );
    },
  );

  it.each(["echo-ipv6-ethernet", "echo-ipv6-cooked-v2-nano"])(
    "dissect.ts --follow %s.pcap: the IPv6 echo",
    async (name) => {
      const [client, server] = endsOf(name);
      const ran = await runDissect(main, ["--follow", fixturePath(name)]);
      expect(ran.stdout).toContain(`connection 1: client ${client}, server ${server}\n`);
      expect(ran.stdout).toContain('  client > server: "Hello over IPv6!\\n" (17 bytes)\n');
      expect(ran.stdout).toContain('  server > client: "Hello over IPv6!\\n" (17 bytes)\n');
      expect(ran.stdout).toContain("  client sent 17 bytes, server sent 17 bytes\n");
    },
  );
});

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

// Stage 5: the application layer. Put each connection's segments back in sequence-number order, per
// direction, and what comes out is exactly what the programs wrote: `Hello World!`, the echo lines.
import type { IpPacket } from "./ip.ts";
import { TCP_FLAGS, type TcpSegment } from "./tcp.ts";

/** One dissected TCP packet: its number in the capture, its IP header and its TCP segment. */
export interface TcpPacket {
  readonly number: number;
  readonly ip: IpPacket;
  readonly tcp: TcpSegment;
}

export type Side = "client" | "server";

/** Bytes one side sent, in order, between two turns of the other side (or a gap in the capture). */
export interface Turn {
  readonly from: Side;
  readonly bytes: Buffer;
  /** Bytes of this side's stream never captured, just before these. */
  readonly missing: number;
}

export interface Connection {
  /** 1 for the first connection seen in the capture. */
  readonly number: number;
  /** Endpoints written as tcpdump writes them: 127.0.0.1.45642, ::1.51747. */
  readonly client: string;
  readonly server: string;
  /** false when the capture has no SYN to tell who called: the first sender is taken as the client. */
  readonly clientKnown: boolean;
  /** The steps seen: "SYN", "SYN-ACK", "ACK". */
  readonly handshake: readonly string[];
  readonly turns: readonly Turn[];
  /** The ends seen, in order: "FIN from server", "FIN from client", "RST from client". */
  readonly teardown: readonly string[];
  readonly sent: Readonly<Record<Side, number>>;
  /** Segments whose bytes had all been delivered already (retransmissions). */
  readonly retransmissions: number;
}

/** A segment's bytes in the stream: `data` as captured, `length` on the wire (more when the snapshot length cut it). */
interface Segment {
  seq: number;
  data: Buffer;
  length: number;
}

interface Stream {
  next: number | undefined;
  pending: Segment[];
  finished: boolean;
}

interface Building {
  number: number;
  client: string;
  server: string;
  clientKnown: boolean;
  isn: number | undefined;
  handshake: string[];
  turns: { from: Side; chunks: Buffer[]; missing: number }[];
  teardown: string[];
  sent: Record<Side, number>;
  retransmissions: number;
  streams: Record<Side, Stream>;
}

function endpoints(p: TcpPacket): [string, string] {
  return [`${p.ip.source}.${p.tcp.sourcePort}`, `${p.ip.destination}.${p.tcp.destinationPort}`];
}

/** a - b as a signed 32-bit number: sequence numbers wrap around. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Adds bytes to the side's turn, after `missing` bytes the capture does not have (a gap: a line of its own). */
function deliver(c: Building, from: Side, data: Buffer, missing = 0): void {
  if (data.length === 0 && missing === 0) return;
  const last = c.turns.at(-1);
  if (last && last.from === from && missing === 0) last.chunks.push(data);
  else if (last && last.from === from && last.chunks.every((chunk) => chunk.length === 0)) {
    // Gap after gap (a cut segment's tail, then bytes never captured): one gap.
    last.missing += missing;
    last.chunks.push(data);
  } else c.turns.push({ from, chunks: [data], missing });
  c.sent[from] += data.length;
}

/** Delivers a segment from `skip` bytes in: the bytes captured, then what the snapshot length cut off (a gap). */
function take(c: Building, from: Side, s: Segment, skip: number, gap = 0): void {
  deliver(c, from, s.data.subarray(Math.min(skip, s.data.length)), gap);
  deliver(c, from, Buffer.alloc(0), Math.max(0, s.length - Math.max(skip, s.data.length)));
}

/** Takes in one segment; out-of-order ones wait, retransmitted ones are dropped. */
function receive(c: Building, from: Side, segment: Segment): void {
  const stream = c.streams[from];
  stream.next ??= segment.seq;
  const offset = seqDiff(segment.seq, stream.next);
  if (offset + segment.length <= 0) {
    c.retransmissions++;
    return;
  }
  if (offset > 0) {
    stream.pending.push(segment);
    return;
  }
  take(c, from, segment, -offset);
  stream.next = (segment.seq + segment.length) >>> 0;
  // Segments that arrived early may fit now.
  for (;;) {
    const next: number = stream.next;
    const fits: Segment | undefined = stream.pending.find((p) => seqDiff(p.seq, next) <= 0);
    if (!fits) break;
    stream.pending.splice(stream.pending.indexOf(fits), 1);
    const skip = seqDiff(next, fits.seq);
    if (skip < fits.length) {
      take(c, from, fits, skip);
      stream.next = (fits.seq + fits.length) >>> 0;
    }
  }
}

/** At the end of the capture: what still waits behind a gap is shown after the gap. */
function flushGaps(c: Building, from: Side): void {
  const stream = c.streams[from];
  stream.pending.sort((a, b) => seqDiff(a.seq, b.seq));
  for (const p of stream.pending) {
    const next = stream.next ?? p.seq;
    const gap = seqDiff(p.seq, next);
    const skip = Math.max(0, -gap);
    if (skip >= p.length) continue;
    take(c, from, p, skip, Math.max(0, gap));
    stream.next = (p.seq + p.length) >>> 0;
  }
  stream.pending = [];
}

function newConnection(number: number, p: TcpPacket): Building {
  const [src, dst] = endpoints(p);
  const syn = (p.tcp.flags & TCP_FLAGS.SYN) !== 0;
  const ack = (p.tcp.flags & TCP_FLAGS.ACK) !== 0;
  // The SYN's sender called; a SYN-ACK's sender is the server; otherwise, guess the first sender.
  const serverFirst = syn && ack;
  const stream = (): Stream => ({ next: undefined, pending: [], finished: false });
  return {
    number,
    client: serverFirst ? dst : src,
    server: serverFirst ? src : dst,
    clientKnown: syn,
    isn: syn && !ack ? p.tcp.seq : undefined,
    handshake: [],
    turns: [],
    teardown: [],
    sent: { client: 0, server: 0 },
    retransmissions: 0,
    streams: { client: stream(), server: stream() },
  };
}

function closed(c: Building): boolean {
  return (
    c.teardown.some((t) => t.startsWith("RST")) || (c.streams.client.finished && c.streams.server.finished)
  );
}

/** Groups the packets into connections and puts each direction's bytes back in order. */
export function followStreams(packets: readonly TcpPacket[]): Connection[] {
  const open = new Map<string, Building>();
  const all: Building[] = [];
  for (const p of packets) {
    const [src, dst] = endpoints(p);
    const key = [src, dst].sort().join(" ");
    const { flags, seq } = p.tcp;
    const syn = (flags & TCP_FLAGS.SYN) !== 0;
    const ack = (flags & TCP_FLAGS.ACK) !== 0;
    let c = open.get(key);
    // A new SYN on a closed connection's ports is a new connection.
    if (!c || (syn && !ack && closed(c) && c.isn !== seq)) {
      c = newConnection(all.length + 1, p);
      open.set(key, c);
      all.push(c);
    }
    const from: Side = src === c.client ? "client" : "server";
    const stream = c.streams[from];

    if (syn) {
      const step = ack ? "SYN-ACK" : "SYN";
      if (c.handshake.includes(step)) c.retransmissions++;
      else c.handshake.push(step);
      // The SYN takes one sequence number: the data starts after it.
      stream.next = (seq + 1) >>> 0;
    } else if (from === "client" && ack && c.handshake.at(-1) === "SYN-ACK") {
      c.handshake.push("ACK");
    }
    // The segment's length on the wire, from the IP header: more than the payload captured when the snapshot
    // length cut it (the rest is a gap).
    const length = Math.max(p.tcp.payload.length, p.ip.payloadLength - p.tcp.headerLength);
    if (length > 0) receive(c, from, { seq: syn ? (seq + 1) >>> 0 : seq, data: p.tcp.payload, length });
    if (flags & TCP_FLAGS.FIN && !stream.finished) {
      stream.finished = true;
      c.teardown.push(`FIN from ${from}`);
    }
    if (flags & TCP_FLAGS.RST) c.teardown.push(`RST from ${from}`);
  }
  return all.map((c) => {
    flushGaps(c, "client");
    flushGaps(c, "server");
    return {
      number: c.number,
      client: c.client,
      server: c.server,
      clientKnown: c.clientKnown,
      handshake: c.handshake,
      turns: c.turns.map((t) => ({ from: t.from, bytes: Buffer.concat(t.chunks), missing: t.missing })),
      teardown: c.teardown,
      sent: c.sent,
      retransmissions: c.retransmissions,
    };
  });
}

const SIMPLE: Record<number, string> = { 0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r", 0x22: '\\"', 0x5c: "\\\\" };

function utf8Length(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Bytes as a double-quoted string: printable text as itself (UTF-8 included), \n \r \t \" \\ escaped, any
 * other byte as \xNN.
 */
export function escapeBytes(bytes: Buffer): string {
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i] ?? 0;
    const simple = SIMPLE[byte];
    if (simple) {
      out += simple;
      i++;
      continue;
    }
    if (byte >= 0x20 && byte < 0x7f) {
      out += String.fromCharCode(byte);
      i++;
      continue;
    }
    const length = utf8Length(byte);
    if (length > 0 && i + length <= bytes.length) {
      const slice = bytes.subarray(i, i + length);
      const text = slice.toString("utf8");
      if (!text.includes("\ufffd") && Buffer.from(text).equals(slice) && !/\p{C}/u.test(text)) {
        out += text;
        i += length;
        continue;
      }
    }
    out += `\\x${byte.toString(16).padStart(2, "0")}`;
    i++;
  }
  return `"${out}"`;
}

function bytesWord(n: number): string {
  return `${n} byte${n === 1 ? "" : "s"}`;
}

/** The text `dissect.ts --follow` prints: one block per connection, a blank line between blocks. */
export function formatFollow(connections: readonly Connection[]): string {
  if (connections.length === 0) return "no TCP connections in this capture\n";
  const blocks = connections.map((c) => {
    const lines = [
      `connection ${c.number}: client ${c.client}, server ${c.server}${c.clientKnown ? "" : " (guessed: no SYN captured)"}`,
      `  handshake: ${c.handshake.length ? c.handshake.join(", ") : "not in the capture"}`,
    ];
    for (const turn of c.turns) {
      const arrow = turn.from === "client" ? "client > server" : "server > client";
      if (turn.missing > 0) lines.push(`  ${arrow}: [${bytesWord(turn.missing)} missing from the capture]`);
      if (turn.bytes.length > 0)
        lines.push(`  ${arrow}: ${escapeBytes(turn.bytes)} (${bytesWord(turn.bytes.length)})`);
    }
    lines.push(
      `  teardown: ${c.teardown.length ? c.teardown.join(", ") : "not in the capture (still open)"}`,
    );
    if (c.retransmissions > 0)
      lines.push(`  retransmitted: ${c.retransmissions} segment(s) already seen, left out`);
    lines.push(`  client sent ${bytesWord(c.sent.client)}, server sent ${bytesWord(c.sent.server)}`);
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

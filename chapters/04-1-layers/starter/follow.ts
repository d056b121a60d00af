// Stage 5: the application layer. Put each connection's segments back in sequence-number order, per
// direction, and what comes out is exactly what the programs wrote: `Hello World!`, the echo lines.
// See README.md (한국어: README.ko.md), "Stage 5" (it defines the output format).
import { todo } from "@tcp-katas/shared/cli";

import type { IpPacket } from "./ip.ts";
import type { TcpSegment } from "./tcp.ts";

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

/** Groups the packets into connections and puts each direction's bytes back in order. */
export function followStreams(packets: readonly TcpPacket[]): Connection[] {
  // Key each packet by its two endpoints (either direction). The SYN's sender is the client. Per direction,
  // keep the next expected sequence number (the SYN takes one): bytes before it were seen already
  // (retransmission), bytes after it wait until the gap is filled (out of order). A segment covers
  // ip.payloadLength - tcp.headerLength sequence numbers: more than tcp.payload when the snapshot length cut it,
  // and the rest is a gap.
  todo(
    `stage 5: followStreams: group ${packets.length} packets into connections, each direction in order`,
    `5단계: followStreams: 패킷 ${packets.length}개를 연결별로 묶고, 방향마다 순서대로 늘어놓으세요`,
  );
}

/**
 * Bytes as a double-quoted string: printable text as itself (UTF-8 included), \n \r \t \" \\ escaped, any
 * other byte as \xNN.
 */
export function escapeBytes(bytes: Buffer): string {
  todo(
    `stage 5: escapeBytes: show ${bytes.length} bytes as a quoted string, escaping what is not printable`,
    `5단계: escapeBytes: ${bytes.length}바이트를 따옴표로 감싼 문자열로 보이되, 출력할 수 없는 바이트는 이스케이프하세요`,
  );
}

/** The text `dissect.ts --follow` prints: one block per connection, a blank line between blocks. */
export function formatFollow(connections: readonly Connection[]): string {
  todo(
    `stage 5: formatFollow: print ${connections.length} connection(s) in the lesson's format`,
    `5단계: formatFollow: 연결 ${connections.length}개를 레슨에 나온 형식으로 출력하세요`,
  );
}

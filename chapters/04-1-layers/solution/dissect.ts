// dissect.ts <file.pcap>: one line per TCP packet, as `tcpdump -n -t -S -r <file.pcap>` prints it (less the
// options field). dissect.ts --follow <file.pcap>: each connection's application bytes, in order.
// This file is the same in starter/ and solution/: it strings together the layers you write.
import { readFile } from "node:fs/promises";

import { type Main, program, runIfMain } from "@tcp-katas/shared/cli";

import { CaptureError, PacketError } from "./errors.ts";
import { followStreams, formatFollow, type TcpPacket } from "./follow.ts";
import { ipLayer, IPPROTO_TCP } from "./ip.ts";
import { linkLayer, linkTypeName } from "./link.ts";
import { parsePcap, type PcapFile, type PcapRecord } from "./pcap.ts";
import { formatTcpdump, tcpSegment } from "./tcp.ts";

export interface Dissection {
  /** Every TCP packet, in capture order. */
  readonly packets: readonly TcpPacket[];
  /** What could not be dissected, one line each (for stderr). */
  readonly notes: readonly string[];
}

/** How many bytes of the packet the capture's snapshot length left out (tcpdump -s): 0 when it is whole. */
function cut(record: PcapRecord): number {
  return Math.max(0, record.originalLength - record.capturedLength);
}

/**
 * Runs every record of a capture through the layers: link → IP → TCP. Non-TCP packets are left out. A packet the
 * snapshot length cut in its data is printed as tcpdump prints it, with its real length; one cut in its headers is
 * noted and skipped (tcpdump prints what it could read of them and `[|tcp]`).
 */
export function dissect(file: PcapFile): Dissection {
  const packets: TcpPacket[] = [];
  const notes: string[] = [];
  for (const record of file.records) {
    try {
      const frame = linkLayer(file.linkType, record.data);
      if (!frame) {
        notes.push(
          `link type ${linkTypeName(file.linkType)} is not one dissect.ts reads: ${file.records.length} packet(s) skipped`,
        );
        break;
      }
      if (!frame.protocol) continue;
      // The capture may keep only the first bytes of a packet (tcpdump -s): the IP layer reads the real lengths
      // from its header, so it is told the packet's length on the wire too.
      const ip = ipLayer(frame.protocol, frame.payload, frame.payload.length + cut(record));
      if (!ip.checksumOk)
        notes.push(`packet ${record.number}: wrong IPv4 header checksum (tcpdump -v says "bad cksum")`);
      if (ip.protocol !== IPPROTO_TCP) continue;
      if (ip.fragment) {
        notes.push(`packet ${record.number}: an IP fragment, not reassembled: skipped`);
        continue;
      }
      packets.push({ number: record.number, ip, tcp: tcpSegment(ip.payload) });
    } catch (err) {
      if (!(err instanceof PacketError)) throw err;
      const snapped =
        cut(record) > 0 ? ` (captured ${record.capturedLength} of ${record.originalLength} bytes)` : "";
      notes.push(`packet ${record.number}: ${err.message}${snapped}: skipped`);
    }
  }
  return { packets, notes };
}

/** The lines `dissect.ts <file.pcap>` prints: one per TCP packet. */
export function tcpdumpLines(dissection: Dissection): string[] {
  return dissection.packets.map((p) => formatTcpdump(p.ip, p.tcp));
}

const run = program(
  { name: "dissect.ts", params: ["[--follow]", "<file.pcap>"] },
  async ([mode, path], io) => {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      // "ENOENT: no such file or directory, open 'x.pcap'" → "x.pcap: cannot read it: no such file or directory (ENOENT)"
      const { code = "EIO", message = String(err) } = err as NodeJS.ErrnoException;
      const reason = /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
      io.stderr.write(`${path}: cannot read it: ${reason} (${code})\n`);
      return 1;
    }
    try {
      const dissection = dissect(parsePcap(bytes));
      for (const note of dissection.notes) io.stderr.write(`${path}: ${note}\n`);
      // `dissect.ts x.pcap | head` closes the pipe early: that ends the output, it is not an error.
      io.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
      });
      if (mode === "--follow") io.stdout.write(formatFollow(followStreams(dissection.packets)));
      else
        io.stdout.write(
          tcpdumpLines(dissection)
            .map((line) => `${line}\n`)
            .join(""),
        );
    } catch (err) {
      if (!(err instanceof CaptureError)) throw err;
      io.stderr.write(`${path}: ${err.message}\n`);
      return 1;
    }
    return 0;
  },
);

/** `dissect.ts <file.pcap>`, `dissect.ts --follow <file.pcap>` or `dissect.ts <file.pcap> --follow`; else Usage. */
export const main: Main = (args, io) => {
  // --follow may come before or after the file, once. Given twice it fits no call: an empty list gets run()'s
  // Usage line (passed on as it is, two of them would read as the mode and a file named --follow).
  const follows = args.filter((a) => a === "--follow").length;
  const rest = args.filter((a) => a !== "--follow");
  return run(follows === 1 ? ["--follow", ...rest] : follows === 0 ? ["", ...rest] : [], io);
};

runIfMain(import.meta.url, main);

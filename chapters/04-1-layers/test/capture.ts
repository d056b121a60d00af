// Captures on the loopback with tcpdump, for tcpdump.test.ts (a fresh capture) and scripts/capture-fixtures.ts
// (the committed fixtures). tcpdump is optional on a machine: where it is missing or may not capture,
// captureLoopback() says why instead of capturing. tcpdump writes the capture to our stdin (-w -, -U), packet by
// packet; after play() a UDP datagram from a socket to itself (caught by the same filter) marks the end, so no
// packet of play() is still in tcpdump's buffers when it is stopped. The marker is left out of the capture.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { accessSync, constants } from "node:fs";
import path from "node:path";

export interface CaptureOptions {
  /** tcpdump's filter, e.g. "tcp port 9190" (the end marker is added to it). */
  filter: string;
  /** The interface: the loopback by default ("lo", "lo0" on macOS); "any" writes Linux cooked frames. */
  interface?: string;
  /** tcpdump's -y: "LINUX_SLL" (cooked v1) or "LINUX_SLL2" (cooked v2) with -i any. */
  linkType?: string;
  /** tcpdump's -s: keep only the first n bytes of each packet (the rest is counted in its original length). */
  snapLength?: number;
  /** Timestamps in nanoseconds (tcpdump --time-stamp-precision=nano) instead of microseconds. */
  precision?: "micro" | "nano";
  /** How long to wait for tcpdump to listen, and for the end marker, in ms (default 10 000). */
  ms?: number;
}

export type Captured =
  | {
      /** A classic pcap file's bytes. */
      pcap: Buffer;
      packets: number;
      /** The tcpdump that made it (to read it with). */
      tcpdump: string;
      /** Packets the kernel dropped before tcpdump read them (tcpdump's last words): the capture has holes. */
      dropped: number;
    }
  | { unavailable: string };

/** tcpdump: PATH first, then the sbin folders a non-root PATH often lacks. */
export function findTcpdump(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  return dirs
    .filter(Boolean)
    .map((dir) => path.join(dir, "tcpdump"))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** A classic pcap byte stream's global header and whole records, in the writer's byte order. */
function records(bytes: Buffer): { header: Buffer; records: Buffer[] } {
  const little = bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d;
  const out: Buffer[] = [];
  for (let at = 24; at + 16 <= bytes.length;) {
    const length = little ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8);
    if (at + 16 + length > bytes.length) break;
    out.push(bytes.subarray(at, at + 16 + length));
    at += 16 + length;
  }
  return { header: bytes.subarray(0, 24), records: out };
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tcpdump ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Captures with tcpdump on the loopback (or `options.interface`) while play() runs. Resolves with the capture (a
 * classic pcap file's bytes, how many packets it holds, the tcpdump that made it, the packets the kernel dropped),
 * or with why there is none when tcpdump is missing or cannot capture here.
 */
export async function captureLoopback(options: CaptureOptions, play: () => Promise<void>): Promise<Captured> {
  const tcpdump = findTcpdump();
  if (!tcpdump) return { unavailable: "tcpdump is not installed" };
  const ms = options.ms ?? 10_000;
  const marker = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve) => marker.bind(0, "127.0.0.1", resolve));
    const markerPort = marker.address().port;
    // 8 random bytes: short enough to survive any snapshot length that keeps the headers.
    const token = randomBytes(8);
    const iface = options.interface ?? (process.platform === "linux" ? "lo" : "lo0");
    // -B: a 16 MiB kernel buffer. With -i any the frames are sized for the snapshot length (256 KiB by default),
    // so the default 2 MiB holds only 8 of them, and a busy machine drops packets.
    const args = ["-i", iface, "-U", "--immediate-mode", "-B", "16384", "-w", "-"];
    if (options.linkType) args.push("-y", options.linkType);
    if (options.snapLength !== undefined) args.push("-s", String(options.snapLength));
    if (options.precision === "nano") args.push("--time-stamp-precision=nano");
    args.push(`(${options.filter}) or (udp port ${markerPort})`);
    const child = spawn(tcpdump, args, { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const chunks: Buffer[] = [];
      let stderr = "";
      let seen: () => void = () => undefined;
      const marked = new Promise<void>((resolve) => (seen = resolve));
      child.stdout.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (Buffer.concat(chunks.slice(-2)).includes(token)) seen();
      });
      const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const listening = new Promise<string | undefined>((resolve) => {
        child.once("error", (err) => resolve(`tcpdump could not start: ${err.message}`));
        child.stderr.on("data", () => {
          if (/listening on /.test(stderr)) resolve(undefined);
        });
        void exited.then(() =>
          resolve(`tcpdump may not capture here: ${stderr.trim().replace(/\s+/g, " ") || "it exited"}`),
        );
      });
      const unavailable = await within(ms, "did not start listening", listening);
      if (unavailable !== undefined) return { unavailable };

      await play();
      marker.send(token, markerPort, "127.0.0.1");
      await within(ms, "did not pass on the end-of-capture marker", marked);
      child.kill("SIGINT");
      await within(ms, "did not stop after SIGINT", exited);

      const { header, records: all } = records(Buffer.concat(chunks));
      const kept = all.slice(
        0,
        all.findIndex((r) => r.includes(token)),
      );
      // tcpdump's last words: "N packets dropped by kernel".
      const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? 0);
      return { pcap: Buffer.concat([header, ...kept]), packets: kept.length, tcpdump, dropped };
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  } finally {
    marker.close();
  }
}

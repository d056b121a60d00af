/**
 * Runs something under tcpdump and keeps what it captured as a classic pcap file, for `pnpm kata capture`
 * (04-1-layers makes its fixtures with its own test/capture.ts). tcpdump writes the capture to a pipe we read
 * (`-w -`, `-U`), packet by packet; after play() a UDP datagram to ourselves on the loopback marks the end, so
 * tcpdump is stopped only once every packet of play() has come through. The marker is not written out.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { KataError } from "@tcp-katas/shared/cli";

import { loadCatalogue, type MessageKey } from "./i18n.ts";

export interface CaptureOptions {
  /** The pcap file to write. */
  out: string;
  /** A tcpdump filter expression, e.g. "tcp port 9190". Without one, everything on the interface is kept. */
  filter?: string;
  /** The interface: "lo" on Linux, "lo0" on macOS by default; "any" for every interface (Linux cooked capture). */
  interface?: string;
  /** The tcpdump binary; by default the first found on PATH or in the sbin folders. */
  tcpdump?: string;
}

/** How long to wait for tcpdump to start listening, and for the last packets. */
const DEADLINE_MS = 10_000;

/** English, for whoever catches these without a language of their own; the CLI says them in the learner's. */
const en = loadCatalogue("en");

/** tcpdump is missing or may not capture: the message says what to do. */
export class CaptureUnavailable extends KataError {
  declare readonly code: "KATA_CAPTURE_UNAVAILABLE";
  constructor(
    readonly reason: "missing" | "permission",
    readonly binary = "",
    readonly detail = "",
  ) {
    super(
      "CaptureUnavailable",
      "KATA_CAPTURE_UNAVAILABLE",
      captureUnavailable((key, params) => en.t(key, params), reason, binary, detail),
    );
  }
}

/** CaptureUnavailable's words in the language of `t`. */
export function captureUnavailable(
  t: (key: MessageKey, params?: Record<string, string>) => string,
  reason: "missing" | "permission",
  binary: string,
  detail: string,
): string {
  if (reason === "permission") return t("capture.permission", { binary, detail });
  return t("capture.missing") + (binary ? t("capture.notFound", { binary }) : "");
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The tcpdump binary: PATH first, then the sbin folders a non-root PATH often lacks. */
export function findTcpdump(): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? "").split(path.delimiter),
    "/usr/sbin",
    "/sbin",
    "/usr/local/sbin",
    "/usr/bin",
  ];
  return dirs
    .filter(Boolean)
    .map((dir) => path.join(dir, "tcpdump"))
    .find(isExecutable);
}

/** Splits a pcap byte stream into its global header and whole records (a partial last record is left out). */
function splitRecords(bytes: Buffer): { header: Buffer; records: Buffer[] } {
  if (bytes.length < 24) return { header: bytes, records: [] };
  const little = bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d;
  const records: Buffer[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const caplen = little ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8);
    if (at + 16 + caplen > bytes.length) break;
    records.push(bytes.subarray(at, at + 16 + caplen));
    at += 16 + caplen;
  }
  return { header: bytes.subarray(0, 24), records };
}

/** The kernel dropped packets before tcpdump read them: the capture would have holes. Playing again may work. */
export class CaptureHoles extends KataError {
  declare readonly code: "KATA_CAPTURE_HOLES";
  constructor(readonly dropped: number) {
    super("CaptureHoles", "KATA_CAPTURE_HOLES", en.t("capture.holes", { dropped }));
  }
}

/** tcpdump did not do something in time. */
class Late extends Error {}

function deadline<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Late(`tcpdump ${what} within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Starts tcpdump, waits until it listens, runs play(), then stops tcpdump cleanly (SIGINT) and writes what it
 * captured to options.out. Throws CaptureUnavailable when tcpdump is missing or lacks the permission to capture.
 */
export async function captureWhile(
  options: CaptureOptions,
  play: () => Promise<void>,
): Promise<{ path: string; packets: number; linkType: string }> {
  const binary = options.tcpdump ?? findTcpdump();
  if (!binary) throw new CaptureUnavailable("missing");
  const iface = options.interface ?? (process.platform === "linux" ? "lo" : "lo0");

  // The end marker: a datagram from a socket to itself, carrying a token no real packet will; only where a
  // datagram to 127.0.0.1 shows up.
  const marker = iface === "any" || /^lo\d*$/.test(iface) ? dgram.createSocket("udp4") : undefined;
  const token = Buffer.from(`tcp-katas-capture-end-${randomBytes(8).toString("hex")}`);
  if (marker) await new Promise<void>((resolve) => marker.bind(0, "127.0.0.1", resolve));
  const markerPort = marker?.address().port ?? 0;
  const markerFilter = `udp and src port ${markerPort} and dst port ${markerPort}`;
  const filter = options.filter && marker ? `(${options.filter}) or (${markerFilter})` : options.filter;

  // -B: a 16 MiB kernel buffer. With -i any the frames are sized for the 256 KiB snapshot length, so the
  // default 2 MiB holds only 8 of them, and a busy machine drops packets.
  const args = ["-i", iface, "-U", "--immediate-mode", "-B", "16384", "-w", "-", ...(filter ? [filter] : [])];

  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  let stderr = "";
  const arrived = new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      // The token may straddle two chunks: look at the tail of the previous one too.
      if (Buffer.concat([chunks.at(-2)?.subarray(-token.length) ?? Buffer.alloc(0), chunk]).includes(token))
        resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));

  try {
    const listening = await deadline(
      "did not start listening",
      new Promise<string>((resolve, reject) => {
        child.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "ENOENT") reject(new CaptureUnavailable("missing", binary));
          else if (err.code === "EACCES") reject(new CaptureUnavailable("permission", binary, err.message));
          else reject(err);
        });
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on \S+, link-type ([^,]+),/.exec(stderr);
          if (match?.[1]) resolve(match[1]);
        });
        void exited.then(() => {
          const detail = stderr.trim().split("\n").at(-1) ?? "";
          if (/permission|not permitted/i.test(stderr))
            reject(new CaptureUnavailable("permission", binary, detail));
          else reject(new Error(`tcpdump did not start: ${stderr.trim() || "no message"}`));
        });
      }),
    );

    await play();

    // The marker arrives behind every packet of play(); if it does not, stop anyway and say why below.
    let markerLate: Late | undefined;
    if (marker) {
      marker.send(token, markerPort, "127.0.0.1");
      const died = exited.then(() => {
        throw new Error(`tcpdump stopped early: ${stderr.trim() || "no message"}`);
      });
      const late = "did not pass on the end-of-capture marker";
      await deadline(late, Promise.race([arrived, died])).catch((err: unknown) => {
        if (!(err instanceof Late)) throw err;
        markerLate = err;
      });
    }
    child.kill("SIGINT");
    await deadline("did not stop after SIGINT", exited);
    // tcpdump's last words: "N packets dropped by kernel". A busy machine can fill the kernel's capture
    // buffer before tcpdump reads it; such a capture has holes, so it is not written.
    const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? 0);
    if (dropped > 0) throw new CaptureHoles(dropped);
    if (markerLate) throw markerLate;

    const { header, records } = splitRecords(Buffer.concat(chunks));
    const end = records.findIndex((r) => r.includes(token));
    const kept = end === -1 ? records : records.slice(0, end);
    const out = path.resolve(options.out);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, Buffer.concat([header, ...kept]));
    return { path: out, packets: kept.length, linkType: listening };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    marker?.close();
  }
}

// A fresh capture for tcpdump.test.ts: tcpdump on the loopback interface while the test plays an exchange.
// tcpdump is optional on a machine: where it is missing or may not capture, captureLoopback() says why instead of
// capturing. tcpdump writes the capture to our stdin (-w -, -U), packet by packet; after play() a UDP datagram
// from a socket to itself (caught by the same filter) marks the end, so no packet of play() is still in
// tcpdump's buffers when it is stopped. The marker is left out of the capture.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { accessSync, constants } from "node:fs";
import path from "node:path";

export type Captured = { pcap: Buffer; packets: number; tcpdump: string } | { unavailable: string };

/** tcpdump: PATH first, then the sbin folders a non-root PATH often lacks. */
function findTcpdump(): string | undefined {
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
 * Captures on the loopback interface with tcpdump's `filter` while play() runs. Resolves with the capture (a
 * classic pcap file's bytes, how many packets it holds, the tcpdump that made it), or with why there is none
 * when tcpdump is missing or cannot capture here.
 */
export async function captureLoopback(
  filter: string,
  play: () => Promise<void>,
  ms = 10_000,
): Promise<Captured> {
  const tcpdump = findTcpdump();
  if (!tcpdump) return { unavailable: "tcpdump is not installed" };
  const marker = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve) => marker.bind(0, "127.0.0.1", resolve));
    const markerPort = marker.address().port;
    const token = Buffer.from(`tcp-katas-04-1-end-${randomBytes(8).toString("hex")}`);
    const iface = process.platform === "linux" ? "lo" : "lo0";
    const child = spawn(
      tcpdump,
      ["-i", iface, "-U", "--immediate-mode", "-w", "-", `(${filter}) or (udp port ${markerPort})`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
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
      const listening = new Promise<string | undefined>((resolve) => {
        child.once("error", (err) => resolve(`tcpdump could not start: ${err.message}`));
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
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
      return { pcap: Buffer.concat([header, ...kept]), packets: kept.length, tcpdump };
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  } finally {
    marker.close();
  }
}

// pnpm bench [--quick] [--json]: every echo server of the chapter against a plain node:net echo server, with one
// load client, interleaved round by round. Servers run as their own processes (as a learner runs them), so each
// one's peak RSS is its own.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { findWorkspace, loadKatas } from "@tcp-katas/katas";
import { spawnProgram } from "@tcp-katas/shared/boundary";

const ROOT = findWorkspace(process.cwd());
const { values } = parseArgs({ options: { quick: { type: "boolean" }, json: { type: "boolean" } } });
const quick = values.quick ?? false;
const MiB = 1024 * 1024;
const SIZES = quick
  ? { rounds: 2, rtt: 400, pp64k: 60, pp1m: 10, stream: 64 * MiB }
  : { rounds: 5, rtt: 2000, pp64k: 300, pp1m: 40, stream: 256 * MiB };

const METRICS = [
  { key: "rtt64", label: "round trip, 64 B", unit: "µs" },
  { key: "rtt1k", label: "round trip, 1 KiB", unit: "µs" },
  { key: "pp64k", label: "ping-pong, 64 KiB", unit: "MiB/s" },
  { key: "pp1m", label: "ping-pong, 1 MiB", unit: "MiB/s" },
  { key: "stream", label: `streaming, ${SIZES.stream / MiB} MiB`, unit: "MiB/s" },
  { key: "cpu", label: "server CPU while streaming", unit: "ms/MiB" },
  { key: "rss", label: "server peak RSS", unit: "MiB" },
] as const;
type Metric = (typeof METRICS)[number]["key"];

/** A server to measure, with its measures so far; `kata` (the kata's folder) runs it behind the boundary. */
interface Variant {
  name: string;
  file: string;
  args?: string[];
  kata?: string;
  results: Record<Metric, number[]>;
}

const baseline = path.join(import.meta.dirname, "baseline-echo.ts");
const VARIANTS: Variant[] = [
  { name: "node:net baseline", file: baseline },
  { name: "node:net, 1 KiB writes", file: baseline, args: ["--chunk", "1024"] },
  // Every echo server of the checked-out katas (kata.json: role "server", behaviour "echo-server").
  ...loadKatas(ROOT).flatMap((kata) =>
    kata.programs
      .filter((p) => p.role === "server" && p.behaviour === "echo-server")
      .map((p) => ({
        name: `${kata.id} ${p.layer ?? "node"}`,
        file: path.join(kata.dir, "solution", p.file),
        kata: kata.dir,
      }))
      .filter((v) => existsSync(v.file)),
  ),
].map((v) => ({
  ...v,
  results: { rtt64: [], rtt1k: [], pp64k: [], pp1m: [], stream: [], cpu: [], rss: [] },
}));

const tsx = pathToFileURL(createRequire(path.join(ROOT, "shared/package.json")).resolve("tsx")).href;

/** Starts a server on port 0, which tells its port (the boundary does, for a kata's program). */
async function startServer(v: Variant): Promise<{ child: ChildProcess; port: number }> {
  const child = v.kata
    ? await spawnProgram({ file: v.file, resolveFrom: v.kata }, ["0"], { stdio: "pipe" })
    : spawn(process.execPath, ["--import", tsx, v.file, "0", ...(v.args ?? [])], {
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
  child.stderr?.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m.type === "listening" && m.port) resolve({ child, port: m.port });
    });
  });
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
  await once(socket, "connect");
  return socket;
}

/** Resolves once `total` more bytes came back. */
function echoed(socket: net.Socket, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (d: Buffer) => {
      got += d.length;
      if (got < total) return;
      socket.off("data", onData).off("error", reject);
      resolve();
    };
    socket.on("data", onData).once("error", reject);
  });
}

const elapsedUs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1000;
const mibPerSecond = (bytes: number, us: number) => bytes / MiB / (us / 1e6);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** `n` exchanges of `size` bytes, each sent when the last came back: the time of each, in µs. */
async function exchanges(port: number, size: number, n: number): Promise<number[]> {
  const socket = await connect(port);
  const payload = Buffer.alloc(size, 0x61);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const back = echoed(socket, size);
    socket.write(payload);
    await back;
    times.push(elapsedUs(t));
  }
  socket.end();
  return times;
}

async function pingPong(port: number, size: number, n: number): Promise<number> {
  const us = (await exchanges(port, size, n)).reduce((a, b) => a + b, 0);
  return mibPerSecond(size * n, us);
}

/**
 * Streams SIZES.stream bytes through the server while reading the echo. Also reads the server's peak RSS, while
 * it still serves this connection (the iterative servers exit after it), and the CPU time it spent per MiB:
 * unlike throughput, that does not depend on what else the machine is running.
 */
async function stream(port: number, pid?: number): Promise<Partial<Record<Metric, number>>> {
  const total = SIZES.stream;
  const socket = await connect(port);
  const chunk = Buffer.alloc(64 * 1024, 0x63);
  const before = usage(pid);
  const t = process.hrtime.bigint();
  const back = echoed(socket, total);
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!socket.write(chunk)) await once(socket, "drain");
  }
  await back;
  const us = elapsedUs(t);
  const after = usage(pid);
  socket.end();
  return {
    stream: mibPerSecond(total, us),
    rss: after.peakRssMiB,
    cpu: (after.cpuMs - before.cpuMs) / (total / MiB),
  };
}

/** A process's CPU time (user + system, ms) and peak resident set (VmHWM, MiB) from Linux's /proc; NaN elsewhere. */
function usage(pid: number | undefined): { cpuMs: number; peakRssMiB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    // USER_HZ is 100 on every Linux the project runs on.
    const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10;
    return { cpuMs, peakRssMiB: Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024 };
  } catch {
    return { cpuMs: NaN, peakRssMiB: NaN };
  }
}

// Each scenario yields its metrics (streaming also the server's peak RSS and CPU per MiB).
const SCENARIOS: [string, (port: number, pid?: number) => Promise<Partial<Record<Metric, number>>>][] = [
  ["rtt64", async (p) => ({ rtt64: median(await exchanges(p, 64, SIZES.rtt)) })],
  ["rtt1k", async (p) => ({ rtt1k: median(await exchanges(p, 1024, SIZES.rtt)) })],
  ["pp64k", async (p) => ({ pp64k: await pingPong(p, 64 * 1024, SIZES.pp64k) })],
  ["pp1m", async (p) => ({ pp1m: await pingPong(p, MiB, SIZES.pp1m) })],
  ["stream", stream],
];

const started = Date.now();
// What else the machine was running: a shared machine's throughput varies with it, CPU per MiB much less.
const loadAtStart = os.loadavg()[0] ?? NaN;
for (let round = 1; round <= SIZES.rounds; round++) {
  // A fresh server per variant per round (the iterative servers end after five clients); the order rotates so
  // no variant always runs first or last.
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
  const servers = [];
  for (const v of order) servers.push({ v, ...(await startServer(v)) });
  for (const [name, run] of SCENARIOS) {
    for (const { v, port, child } of servers) {
      for (const [metric, value] of Object.entries(await run(port, child.pid)))
        if (Number.isFinite(value)) v.results[metric as Metric].push(value);
    }
    if (!values.json) process.stderr.write(`round ${round}/${SIZES.rounds}: ${name} done\n`);
  }
  for (const { child } of servers) child.kill("SIGKILL");
}

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
  loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? NaN },
};
const table = METRICS.map((m) => ({
  metric: m.label,
  unit: m.unit,
  variants: VARIANTS.map((v) => {
    const value = median(v.results[m.key]);
    return { name: v.name, median: value, ratio: value / median((VARIANTS[0] as Variant).results[m.key]) };
  }),
}));

const json = `${JSON.stringify({ machine, table }, null, 2)}\n`;
mkdirSync(path.join(import.meta.dirname, "../results"), { recursive: true });
writeFileSync(path.join(import.meta.dirname, "../results/latest.json"), json);

if (values.json) {
  process.stdout.write(json);
} else {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const head = ["", ...VARIANTS.map((v) => v.name)];
  console.log(`\n| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|`);
  for (const row of table) {
    const cells = row.variants.map((c, i) =>
      i === 0 ? `${fmt(c.median)} ${row.unit}` : `${fmt(c.median)} ${row.unit} (×${c.ratio.toFixed(2)})`,
    );
    console.log(`| ${row.metric} | ${cells.join(" | ")} |`);
  }
  console.log(
    `\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; medians of ${SIZES.rounds} interleaved rounds; ${machine.seconds} s; load average ${machine.loadAverage.start.toFixed(1)} at the start, ${machine.loadAverage.end.toFixed(1)} at the end.`,
  );
}

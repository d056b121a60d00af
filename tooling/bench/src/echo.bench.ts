// pnpm bench [--quick] [--json]: every echo server of the chapter against a plain node:net echo server, with one
// load client, interleaved round by round. Servers run as their own processes (as a learner runs them), so each
// one's peak RSS is its own.
import { type ChildProcess, spawn } from "node:child_process";
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

interface Variant {
  name: string;
  file: string;
  args?: string[];
  /** The kata's folder, for a kata's program (run behind the boundary). */
  kata?: string;
}

/**
 * Every echo server of the checked-out katas, from their manifests (programs with role "server" and
 * behaviour "echo-server"), labelled "<kata id> <layer>". A kata not checked out is simply not there.
 */
function echoServers(): Variant[] {
  return loadKatas(ROOT).flatMap((kata) =>
    kata.programs
      .filter((p) => p.role === "server" && p.behaviour === "echo-server")
      .map((p) => ({
        name: `${kata.id} ${p.layer ?? "node"}`,
        file: path.join(kata.dir, "solution", p.file),
        kata: kata.dir,
      }))
      .filter((v) => existsSync(v.file)),
  );
}

const VARIANTS: Variant[] = [
  { name: "node:net baseline", file: path.join(import.meta.dirname, "baseline-echo.ts") },
  {
    name: "node:net, 1 KiB writes",
    file: path.join(import.meta.dirname, "baseline-echo.ts"),
    args: ["--chunk", "1024"],
  },
  ...echoServers(),
];

const MiB = 1024 * 1024;
const SIZES = quick
  ? { rounds: 2, rtt: 400, pp64k: 60, pp1m: 10, stream: 64 * MiB }
  : { rounds: 5, rtt: 2000, pp64k: 300, pp1m: 40, stream: 256 * MiB };

const tsx = pathToFileURL(createRequire(path.join(ROOT, "shared/package.json")).resolve("tsx")).href;

interface Server {
  child: ChildProcess;
  port: number;
}

/**
 * A kata's server runs as a learner runs it, a process of its own, behind the boundary (which tells its port);
 * the baseline is a plain node:net script that tells its port itself.
 */
async function startServer(v: Variant): Promise<Server> {
  const child = v.kata
    ? await spawnProgram({ file: v.file, resolveFrom: v.kata }, ["0", ...(v.args ?? [])], { stdio: "pipe" })
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

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Sends `payload` and resolves when exactly that many bytes came back. */
function exchange(socket: net.Socket, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= payload.length) {
        socket.off("data", onData);
        socket.off("error", reject);
        resolve();
      }
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(payload);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function roundTrip(port: number, size: number, n: number): Promise<number> {
  const socket = await connect(port);
  const payload = Buffer.alloc(size, 0x61);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await exchange(socket, payload);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  socket.end();
  return median(times); // µs
}

async function pingPong(port: number, size: number, n: number): Promise<number> {
  const socket = await connect(port);
  const payload = Buffer.alloc(size, 0x62);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await exchange(socket, payload);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  socket.end();
  return (size * n) / MiB / seconds; // MiB/s
}

/**
 * Streams `total` bytes through the server while reading the echo. Also returns the server's peak RSS, read
 * while it still serves this connection (the iterative servers exit after it), and the CPU time it spent per
 * MiB: unlike throughput, that does not depend on what else the machine is running.
 */
async function stream(
  port: number,
  total: number,
  pid?: number,
): Promise<{ mibPerSecond: number; peakRss?: number; cpuPerMiB?: number }> {
  const socket = await connect(port);
  const chunk = Buffer.alloc(64 * 1024, 0x63);
  const cpuBefore = cpuMs(pid);
  const t = process.hrtime.bigint();
  const done = new Promise<void>((resolve, reject) => {
    let got = 0;
    socket.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    });
    socket.once("error", reject);
  });
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const peakRss = peakRssMiB(pid);
  const cpuAfter = cpuMs(pid);
  socket.end();
  return {
    mibPerSecond: total / MiB / seconds,
    ...(peakRss === undefined ? {} : { peakRss }),
    ...(cpuBefore === undefined || cpuAfter === undefined
      ? {}
      : { cpuPerMiB: (cpuAfter - cpuBefore) / (total / MiB) }),
  };
}

/** CPU time (user + system) a process has used, in ms, from Linux's /proc; undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux the project runs on.
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set of a process so far, from Linux's /proc (VmHWM); undefined elsewhere or once it exited. */
function peakRssMiB(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

type Metric = "rtt64" | "rtt1k" | "pp64k" | "pp1m" | "stream" | "cpu" | "rss";
const METRICS: { key: Metric; label: string; unit: string }[] = [
  { key: "rtt64", label: "round trip, 64 B", unit: "µs" },
  { key: "rtt1k", label: "round trip, 1 KiB", unit: "µs" },
  { key: "pp64k", label: "ping-pong, 64 KiB", unit: "MiB/s" },
  { key: "pp1m", label: "ping-pong, 1 MiB", unit: "MiB/s" },
  { key: "stream", label: `streaming, ${SIZES.stream / MiB} MiB`, unit: "MiB/s" },
  { key: "cpu", label: "server CPU while streaming", unit: "ms/MiB" },
  { key: "rss", label: "server peak RSS", unit: "MiB" },
];

const results = new Map<string, Record<Metric, number[]>>();
for (const v of VARIANTS)
  results.set(v.name, { rtt64: [], rtt1k: [], pp64k: [], pp1m: [], stream: [], cpu: [], rss: [] });

const started = Date.now();
// What else the machine was running: a shared machine's throughput varies with it, CPU per MiB much less.
const loadAtStart = os.loadavg()[0] ?? NaN;
for (let round = 1; round <= SIZES.rounds; round++) {
  // A fresh server per variant per round (the iterative servers end after five clients); the order rotates so
  // no variant always runs first or last.
  const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
  const servers = new Map<string, Server>();
  for (const v of order) servers.set(v.name, await startServer(v));
  // Each scenario yields its metrics (streaming also yields the server's peak RSS and CPU per MiB).
  const scenarios: [string, (port: number, pid?: number) => Promise<Partial<Record<Metric, number>>>][] = [
    ["rtt64", async (p) => ({ rtt64: await roundTrip(p, 64, SIZES.rtt) })],
    ["rtt1k", async (p) => ({ rtt1k: await roundTrip(p, 1024, SIZES.rtt) })],
    ["pp64k", async (p) => ({ pp64k: await pingPong(p, 64 * 1024, SIZES.pp64k) })],
    ["pp1m", async (p) => ({ pp1m: await pingPong(p, MiB, SIZES.pp1m) })],
    [
      "stream",
      async (p, pid) => {
        const { mibPerSecond, peakRss, cpuPerMiB } = await stream(p, SIZES.stream, pid);
        return {
          stream: mibPerSecond,
          ...(peakRss === undefined ? {} : { rss: peakRss }),
          ...(cpuPerMiB === undefined ? {} : { cpu: cpuPerMiB }),
        };
      },
    ],
  ];
  for (const [name, run] of scenarios) {
    for (const v of order) {
      const server = servers.get(v.name) as Server;
      const measured = await run(server.port, server.child.pid);
      for (const [metric, value] of Object.entries(measured))
        results.get(v.name)?.[metric as Metric].push(value);
    }
    if (!values.json) process.stderr.write(`round ${round}/${SIZES.rounds}: ${name} done\n`);
  }
  for (const server of servers.values()) server.child.kill("SIGKILL");
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
const table = METRICS.map((m) => {
  const base = median(results.get("node:net baseline")?.[m.key] ?? [NaN]);
  return {
    metric: m.label,
    unit: m.unit,
    variants: VARIANTS.map((v) => {
      const value = median(results.get(v.name)?.[m.key] ?? [NaN]);
      return { name: v.name, median: value, ratio: value / base };
    }),
  };
});

mkdirSync(path.join(import.meta.dirname, "../results"), { recursive: true });
writeFileSync(
  path.join(import.meta.dirname, "../results/latest.json"),
  `${JSON.stringify({ machine, table }, null, 2)}\n`,
);

if (values.json) {
  console.log(JSON.stringify({ machine, table }, null, 2));
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

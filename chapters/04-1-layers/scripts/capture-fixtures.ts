// Regenerates fixtures/: captures of this chapter's own programs on the loopback interface, made with tcpdump,
// and tcpdump's own reading of each (`tcpdump -n -t -S -r x.pcap` > x.tcpdump.txt), which the tests match.
// Run: pnpm --filter @tcp-katas/04-1-layers fixtures [--only name,name] [folder]
// It needs tcpdump and the right to capture (root, or cap_net_raw), and the 04-2-basic and 04-3-iterative-echo
// katas beside this one. --only captures the fixtures named (all of them by default); a folder writes them there
// instead (to try the script without touching the committed fixtures). The capture itself is the tests' own
// (test/capture.ts).
import { type ChildProcess, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";

import { spawnProgram } from "@tcp-katas/shared/boundary";

import { edgeCases } from "../test/build.ts";
import { captureLoopback, type CaptureOptions, findTcpdump } from "../test/capture.ts";

const KATA = path.resolve(import.meta.dirname, "..");
const CHAPTERS = path.dirname(KATA);
const { values, positionals } = parseArgs({
  options: { only: { type: "string" } },
  allowPositionals: true,
});
const FIXTURES = path.resolve(positionals[0] ?? path.join(KATA, "fixtures"));
const ONLY = values.only?.split(",").filter(Boolean);

/** How each fixture is captured: the interface and link type, a snapshot length, the precision. */
type How = Omit<CaptureOptions, "filter">;

/** A kata's reference program as a process of its own, behind the boundary; a server reports its port. */
async function start(kata: string, file: string, args: string[], stdin?: string) {
  const dir = path.join(CHAPTERS, kata);
  const child: ChildProcess = await spawnProgram(
    { file: path.join(dir, "solution", file), resolveFrom: dir },
    args,
  );
  child.stdout?.resume();
  child.stderr?.resume();
  if (stdin !== undefined) child.stdin?.end(stdin);
  const exited = once(child, "exit").then(() => undefined);
  const port = new Promise<number>((resolve, reject) => {
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m.type === "listening" && m.port) resolve(m.port);
    });
    void exited.then(() => reject(new Error(`${file} exited before it listened`)));
  });
  port.catch(() => undefined); // a client never listens: only a server's caller awaits its port
  return { port, exited, stop: () => child.kill("SIGTERM") };
}

// TCP states in /proc/net/tcp (include/net/tcp_states.h): TIME_WAIT and LISTEN are the ends of a teardown.
const TIME_WAIT = 0x06;
const LISTEN = 0x0a;

/** True while a connection to or from `port` is still closing (Linux: /proc/net/tcp and tcp6). */
function closing(port: number): boolean {
  return ["/proc/net/tcp", "/proc/net/tcp6"].some((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .slice(1)
      .some((line) => {
        const [, local, remote, state] = line.trim().split(/\s+/);
        const ports = [local, remote].map((a) => Number.parseInt(a?.split(":")[1] ?? "", 16));
        const st = Number.parseInt(state ?? "", 16);
        return ports.includes(port) && st !== TIME_WAIT && st !== LISTEN;
      }),
  );
}

/** Waits until the connections on `port` have ended: both FINs and their ACKs are on the wire, in the capture. */
async function settled(port: number): Promise<void> {
  for (const end = Date.now() + 5_000; closing(port) && Date.now() < end;)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Captures `play` with tcpdump `how`, kept only if the kernel dropped nothing (a busy machine: try again). */
async function capture(filter: string, how: How, play: () => Promise<void>): Promise<Buffer> {
  const captured = await captureLoopback({ filter, ...how }, play);
  if ("unavailable" in captured) throw new Error(captured.unavailable);
  if (captured.dropped > 0)
    throw new Error(`the kernel dropped ${captured.dropped} packet(s): the capture has holes; run it again`);
  return captured.pcap;
}

/** The chapter's hello pair (04-2): the server greets one client and exits. */
async function helloPair(how: How): Promise<Buffer> {
  const server = await start("04-2-basic", "hello-server.ts", ["0"]);
  const port = await server.port;
  return capture(`tcp port ${port}`, how, async () => {
    await (
      await start("04-2-basic", "hello-client.ts", ["127.0.0.1", String(port)])
    ).exited;
    await server.exited;
    await settled(port);
  });
}

/** The chapter's iterative echo pair (04-3): one client, its lines, then q. */
function echoPair(lines: string[]): (how: How) => Promise<Buffer> {
  return async (how) => {
    const server = await start("04-3-iterative-echo", "echo-server.ts", ["0"]);
    const port = await server.port;
    const pcap = await capture(`tcp port ${port}`, how, async () => {
      const input = [...lines, "q"].map((l) => `${l}\n`).join("");
      await (
        await start("04-3-iterative-echo", "echo-client.ts", ["127.0.0.1", String(port)], input)
      ).exited;
      // The server closes its side once it reads the client's end: its FIN too belongs in the capture.
      await settled(port);
    });
    server.stop();
    await server.exited;
    return pcap;
  };
}

/** The chapter's programs are IPv4 only: a tiny node:net echo on ::1 instead. */
async function ipv6Echo(how: How): Promise<Buffer> {
  const server = net.createServer((socket) => socket.pipe(socket));
  server.listen(0, "::1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  const pcap = await capture(`tcp port ${port}`, how, async () => {
    const client = net.connect(port, "::1");
    await once(client, "connect");
    client.end("Hello over IPv6!\n");
    client.resume();
    await once(client, "close");
    await settled(port);
  });
  server.close();
  return pcap;
}

const LINES = ["Hello World!", "How are you?"];
/** A line longer than the snapshot length: tcpdump -s 90 keeps 24, 22 or 18 of its 481 bytes (Ethernet, cooked v1, v2). */
const LONG = `${"0123456789abcdef".repeat(30)}!`;

const V1: How = { interface: "any", linkType: "LINUX_SLL" };
const V2: How = { interface: "any", linkType: "LINUX_SLL2" };
const FIXTURE_RUNS: [string, (how: How) => Promise<Buffer>, How][] = [
  ["hello-ipv4-ethernet", helloPair, { interface: "lo" }],
  ["echo-ipv4-ethernet", echoPair(LINES), { interface: "lo" }],
  ["hello-ipv4-cooked-v1", helloPair, V1],
  ["echo-ipv4-cooked-v1", echoPair(LINES), V1],
  ["hello-ipv4-cooked-v2", helloPair, V2],
  ["echo-ipv4-cooked-v2", echoPair(LINES), V2],
  ["echo-ipv6-ethernet", ipv6Echo, { interface: "lo" }],
  ["echo-ipv6-cooked-v2-nano", ipv6Echo, { ...V2, precision: "nano" }],
  // With a snapshot length: every header whole, the data cut. The SYNs (the largest headers: 40 bytes of TCP)
  // fit; the greeting's 12 bytes do not, nor does the echo's long line.
  ["hello-ipv4-ethernet-s76", helloPair, { interface: "lo", snapLength: 76 }],
  ["hello-ipv4-cooked-v1-s78", helloPair, { ...V1, snapLength: 78 }],
  ["hello-ipv4-cooked-v2-s82", helloPair, { ...V2, snapLength: 82 }],
  ["echo-ipv4-ethernet-s90", echoPair([LINES[0] as string, LONG]), { interface: "lo", snapLength: 90 }],
  ["echo-ipv4-cooked-v1-s90", echoPair([LINES[0] as string, LONG]), { ...V1, snapLength: 90 }],
  ["echo-ipv4-cooked-v2-s90", echoPair([LINES[0] as string, LONG]), { ...V2, snapLength: 90 }],
  // A snapshot length that cuts headers too (the SYNs' options): tcpdump prints what it read and `[|tcp]`.
  ["cut/hello-ipv4-cooked-v2-s76", helloPair, { ...V2, snapLength: 76 }],
];

const tcpdump = findTcpdump();
if (!tcpdump) throw new Error("tcpdump is not installed: sudo apt-get install tcpdump");

/** tcpdump's reading of a capture, kept raw beside it. */
function readWithTcpdump(pcap: string): void {
  const read = spawnSync(tcpdump ?? "tcpdump", ["-n", "-t", "-S", "-r", pcap], { encoding: "utf8" });
  if (read.status !== 0) throw new Error(`tcpdump -r ${pcap} failed: ${read.stderr}`);
  writeFileSync(pcap.replace(/\.pcap$/, ".tcpdump.txt"), read.stdout);
  console.log(`${path.relative(FIXTURES, pcap)}: ${read.stdout.split("\n").filter(Boolean).length} packets`);
}

for (const [name, play, how] of FIXTURE_RUNS) {
  if (ONLY && !ONLY.includes(name)) continue;
  const out = path.join(FIXTURES, `${name}.pcap`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await play(how));
  readWithTcpdump(out);
}

// Packets no loopback session sends (every flag, URG, IP options, IPv6 extension headers, a sequence number
// wrapping around), built byte by byte, so that tcpdump's reading of them is the reference too.
if (!ONLY || ONLY.includes("crafted/edge-cases")) {
  mkdirSync(path.join(FIXTURES, "crafted"), { recursive: true });
  const crafted = path.join(FIXTURES, "crafted", "edge-cases.pcap");
  writeFileSync(crafted, edgeCases());
  readWithTcpdump(crafted);
}

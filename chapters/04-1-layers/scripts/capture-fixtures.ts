// Regenerates fixtures/: captures of this chapter's own programs on the loopback interface, made with tcpdump,
// and tcpdump's own reading of each (`tcpdump -n -t -S -r x.pcap` > x.tcpdump.txt), which the tests match.
// Run: pnpm --filter @tcp-katas/04-1-layers fixtures   (needs tcpdump and the right to capture: root, or
// cap_net_raw; and the 04-2-basic and 04-3-iterative-echo katas beside this one). An argument writes them to
// another folder instead (to try the script without touching the committed fixtures).
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

import { type CaptureOptions, captureWhile, findTcpdump } from "@tcp-katas/kata-cli/capture";

import { edgeCases } from "../test/build.ts";

const KATA = path.resolve(import.meta.dirname, "..");
const FIXTURES = path.resolve(process.argv[2] ?? path.join(KATA, "fixtures"));
const CHAPTERS = path.dirname(KATA);

interface Started {
  port: number;
  exited: Promise<void>;
  stop(): void;
}

/** Runs a kata's reference program with tsx; a server on port 0 reports its port over IPC. */
function runProgram(
  kata: string,
  file: string,
  args: string[],
  stdin?: string,
): Started & { ready: Promise<number> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join("solution", file), ...args], {
    cwd: path.join(CHAPTERS, kata),
    env: { ...process.env, TCP_KATAS_IPC: "1" },
    stdio: ["pipe", "inherit", "inherit", "ipc"],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  const exited = once(child, "exit").then(() => undefined);
  const ready = new Promise<number>((resolve, reject) => {
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m.type === "listening" && m.port) resolve(m.port);
    });
    void exited.then(() => reject(new Error(`${file} exited before listening`)));
  });
  ready.catch(() => undefined); // a client never listens: only a server's caller awaits ready
  return { port: 0, exited, ready, stop: () => child.kill("SIGTERM") };
}

/** The chapter's hello pair (04-2): the server greets one client and exits. */
async function helloPair(capture: Omit<CaptureOptions, "filter">): Promise<void> {
  const server = runProgram("04-2-basic", "hello-server.ts", ["0"]);
  const port = await server.ready;
  await captureWhile({ ...capture, filter: `tcp port ${port}` }, async () => {
    await runProgram("04-2-basic", "hello-client.ts", ["127.0.0.1", String(port)]).exited;
    await server.exited;
  });
}

/** The chapter's iterative echo pair (04-3): one client, two lines, then q. */
async function echoPair(capture: Omit<CaptureOptions, "filter">): Promise<void> {
  const server = runProgram("04-3-iterative-echo", "echo-server.ts", ["0"]);
  const port = await server.ready;
  await captureWhile({ ...capture, filter: `tcp port ${port}` }, async () => {
    const lines = "Hello World!\nHow are you?\nq\n";
    await runProgram("04-3-iterative-echo", "echo-client.ts", ["127.0.0.1", String(port)], lines).exited;
  });
  server.stop();
  await server.exited;
}

/** The chapter's programs are IPv4 only: a tiny node:net echo on ::1 instead. */
async function ipv6Echo(capture: Omit<CaptureOptions, "filter">): Promise<void> {
  const server = net.createServer((socket) => socket.pipe(socket));
  server.listen(0, "::1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await captureWhile({ ...capture, filter: `tcp port ${port}` }, async () => {
    const client = net.connect(port, "::1");
    await once(client, "connect");
    client.end("Hello over IPv6!\n");
    client.resume();
    await once(client, "close");
  });
  server.close();
}

const FIXTURE_RUNS: [
  string,
  (capture: Omit<CaptureOptions, "filter">) => Promise<void>,
  Partial<CaptureOptions>,
][] = [
  ["hello-ipv4-ethernet", helloPair, { interface: "lo" }],
  ["echo-ipv4-ethernet", echoPair, { interface: "lo" }],
  ["hello-ipv4-cooked-v1", helloPair, { interface: "any", linkType: "LINUX_SLL" }],
  ["echo-ipv4-cooked-v2", echoPair, { interface: "any", linkType: "LINUX_SLL2" }],
  ["echo-ipv6-ethernet", ipv6Echo, { interface: "lo" }],
  ["echo-ipv6-cooked-v2-nano", ipv6Echo, { interface: "any", linkType: "LINUX_SLL2", precision: "nano" }],
];

const tcpdump = findTcpdump();
if (!tcpdump) throw new Error("tcpdump is not installed: sudo apt-get install tcpdump");

/** tcpdump's reading of a capture, kept raw beside it. */
function readWithTcpdump(pcap: string): void {
  const read = spawnSync(tcpdump ?? "tcpdump", ["-n", "-t", "-S", "-r", pcap], { encoding: "utf8" });
  if (read.status !== 0) throw new Error(`tcpdump -r ${pcap} failed: ${read.stderr}`);
  writeFileSync(pcap.replace(/\.pcap$/, ".tcpdump.txt"), read.stdout);
  console.log(`${path.basename(pcap)}: ${read.stdout.split("\n").filter(Boolean).length} packets`);
}

for (const [name, play, options] of FIXTURE_RUNS) {
  const out = path.join(FIXTURES, `${name}.pcap`);
  await play({ out, ...options });
  readWithTcpdump(out);
}

// Packets no loopback session sends (every flag, URG, IP options, IPv6 extension headers, a sequence number
// wrapping around), built byte by byte, so that tcpdump's reading of them is the reference too.
mkdirSync(path.join(FIXTURES, "crafted"), { recursive: true });
const crafted = path.join(FIXTURES, "crafted", "edge-cases.pcap");
writeFileSync(crafted, edgeCases());
readWithTcpdump(crafted);

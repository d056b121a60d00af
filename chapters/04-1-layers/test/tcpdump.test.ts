// Stage 4 end to end: dissect.ts against tcpdump's own reading of the same captures.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";

import { CaptureUnavailable, captureWhile, findTcpdump } from "@tcp-katas/kata-cli/capture";
import { listenLocal } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { afterAll, describe, expect, it } from "vitest";

import {
  bsdLoopback,
  ethernet,
  F,
  ipv4,
  linuxCooked,
  pcapFile,
  relink,
  tcp,
  toBigEndian,
  udp,
} from "./build.ts";
import {
  fixtureBytes,
  fixturePath,
  FIXTURES,
  FIXTURES_DIR,
  normalizeTcpdump,
  runDissect,
  tcpdumpLines,
  thrown,
} from "./helpers.ts";

type Dissect = typeof import("../solution/dissect.ts");
const { main } = await impl<Dissect>("dissect.ts");

const tmp = mkdtempSync(path.join(tmpdir(), "dissect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, bytes: Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

async function dissectLines(p: string): Promise<string[]> {
  const ran = await runDissect(main, [p]);
  expect(ran.stderr, "dissect.ts's stderr").toBe("");
  expect(ran.code).toBe(0);
  return ran.stdout.split("\n").filter(Boolean);
}

const ETHERNET = "hello-ipv4-ethernet";
const ETHERNET6 = "echo-ipv6-ethernet";
const ipOf = (frame: Buffer) => frame.subarray(14);

describe("stage 4: every TCP packet, as tcpdump -n -t -S -r prints it", () => {
  it.each(FIXTURES)(
    "%s.pcap: the same lines as tcpdump's own reading of it (options field left out)",
    async (name) => {
      expect(await dissectLines(fixturePath(name))).toEqual(tcpdumpLines(name));
    },
  );

  it("fixtures/crafted/edge-cases.pcap (every flag, URG, IP options, IPv6 extension headers, seq wrapping): as tcpdump reads it", async () => {
    const crafted = path.join(FIXTURES_DIR, "crafted", "edge-cases");
    const expected = normalizeTcpdump(readFileSync(`${crafted}.tcpdump.txt`, "utf8"));
    expect(expected).toHaveLength(10);
    expect(await dissectLines(`${crafted}.pcap`)).toEqual(expected);
  });

  it.each([
    [
      "BSD loopback (macOS lo0), little-endian host",
      ETHERNET,
      0,
      (f: Buffer) => bsdLoopback(2, ipOf(f)),
      false,
    ],
    ["BSD loopback, IPv6 family 30 (macOS)", ETHERNET6, 0, (f: Buffer) => bsdLoopback(30, ipOf(f)), false],
    [
      "BSD loopback, a big-endian host's file",
      ETHERNET,
      0,
      (f: Buffer) => bsdLoopback(2, ipOf(f), true),
      true,
    ],
    ["Linux cooked v1", ETHERNET6, 113, (f: Buffer) => linuxCooked(0x86dd, ipOf(f)), false],
    ["raw IP", ETHERNET, 101, ipOf, false],
  ] as const)(
    "the same packets behind another link layer (%s) print the same lines",
    async (_what, name, linkType, convert, bigEndian) => {
      let bytes = relink(fixtureBytes(name), linkType, convert);
      if (bigEndian) bytes = toBigEndian(bytes);
      expect(await dissectLines(file(`relinked-${linkType}-${name}.pcap`, bytes))).toEqual(
        tcpdumpLines(name),
      );
    },
  );

  it("skips what is not TCP (ARP, UDP, other EtherTypes) and prints TCP even behind Ethernet padding", async () => {
    const p = file(
      "mixed.pcap",
      pcapFile(1, [
        ethernet(0x0806, Buffer.alloc(28)),
        ethernet(0x0800, ipv4(udp(Buffer.from("query")), { protocol: 17 })),
        ethernet(0x88cc, Buffer.alloc(30)),
        ethernet(0x0800, Buffer.concat([ipv4(tcp({ flags: F.ACK, ack: 7 })), Buffer.alloc(6)])),
      ]),
    );
    expect(await dissectLines(p)).toEqual([
      "IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0",
    ]);
  });

  it("a bad IPv4 checksum is noted on stderr and the packet still printed, as tcpdump does; a cut packet is noted and skipped", async () => {
    const p = file(
      "damaged.pcap",
      pcapFile(1, [
        ethernet(0x0800, ipv4(tcp({ flags: F.RST, seq: 5 }), { badChecksum: true })),
        ethernet(0x0800, ipv4(tcp()).subarray(0, 30)),
      ]),
    );
    const ran = await runDissect(main, [p]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [R], seq 5, win 512, length 0\n");
    const notes = ran.stderr.split("\n").filter(Boolean);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/packet 1: .*checksum/);
    expect(notes[1]).toMatch(/packet 2: .*IPv4 total length/);
  });

  it("an IP fragment is noted on stderr and left out, not printed as a whole TCP segment; the packets after it are", async () => {
    const p = file(
      "fragment.pcap",
      pcapFile(1, [
        ethernet(0x0800, ipv4(tcp({ flags: F.PSH | F.ACK, payload: "abc" }), { fragment: 0x2000 })),
        ethernet(0x0800, ipv4(tcp({ flags: F.ACK, ack: 7 }))),
      ]),
    );
    const ran = await runDissect(main, [p]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("IP 127.0.0.1.40000 > 127.0.0.1.9190: Flags [.], ack 7, win 512, length 0\n");
    expect(ran.stderr).toBe(`${p}: packet 1: an IP fragment, not reassembled: skipped\n`);
  });

  it("a reader that stops early (dissect.ts x.pcap | head: EPIPE) ends the output quietly; another write error is not hidden", async () => {
    expect((await runDissect(main, [fixturePath(ETHERNET)])).code).toBe(0);
    // The same run on a stdout the test can fail, as Node fails process.stdout when the reader has gone.
    const stdout = new PassThrough();
    const code = await main([fixturePath(ETHERNET)], { stdout, stderr: new PassThrough() });
    expect(code).toBe(0);
    const closedPipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    expect(() => stdout.emit("error", closedPipe)).not.toThrow();
    const diskError = Object.assign(new Error("write EIO"), { code: "EIO" });
    expect(thrown(() => stdout.emit("error", diskError))).toBe(diskError);
  });

  it("a link type it does not read is named once on stderr, with nothing printed (exit 0)", async () => {
    const ran = await runDissect(main, [
      file("wifi.pcap", pcapFile(105, [Buffer.alloc(40), Buffer.alloc(40)])),
    ]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("");
    expect(ran.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(ran.stderr).toMatch(/IEEE802_11.*2 packet/);
  });

  it(
    "a fresh capture of a node:net exchange reads as tcpdump reads it " +
      "(without tcpdump or the right to capture: captureWhile's clear error, and the committed fixtures instead)",
    async () => {
      const out = path.join(tmp, "fresh.pcap");
      const server = await listenLocal((socket) => socket.pipe(socket));
      const play = async () => {
        const client = net.connect(server.port, "127.0.0.1");
        client.end("Hello World!\n");
        client.resume();
        await new Promise((resolve) => client.on("close", resolve));
      };
      let capture: Awaited<ReturnType<typeof captureWhile>>;
      try {
        capture = await captureWhile({ out, filter: `tcp port ${server.port}` }, play);
      } catch (err) {
        if (!(err instanceof CaptureUnavailable)) throw err;
        // No capture here: the error must say how to get one, and the committed captures must still match.
        expect(err.message).toMatch(/apt-get install tcpdump|setcap cap_net_raw,cap_net_admin=eip/);
        for (const name of FIXTURES)
          expect(await dissectLines(fixturePath(name))).toEqual(tcpdumpLines(name));
        return;
      }
      const tcpdump = findTcpdump() ?? "tcpdump";
      const read = spawnSync(tcpdump, ["-n", "-t", "-S", "-r", capture.path], { encoding: "utf8" });
      const expected = normalizeTcpdump(read.stdout);
      expect(
        expected.length,
        `tcpdump read ${capture.packets} packets from ${readFileSync(out).length} bytes`,
      ).toBe(capture.packets);
      expect(expected[0]).toMatch(/Flags \[S\]/);
      expect(await dissectLines(out)).toEqual(expected);
    },
  );
});

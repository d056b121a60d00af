import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { errorMatching } from "@tcp-katas/shared/testing";
import { afterAll, describe, expect, it } from "vitest";

import { CaptureUnavailable, captureUnavailable, captureWhile, findTcpdump } from "../src/capture.ts";
import { loadCatalogue, type MessageKey } from "../src/i18n.ts";

const tmp = mkdtempSync(path.join(tmpdir(), "capture-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in for tcpdump: a script that prints what tcpdump would on stderr and exits 1. */
function fakeTcpdump(name: string, stderr: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `#!/bin/sh\ncat >&2 <<'TCPDUMP'\n${stderr}\nTCPDUMP\nexit 1\n`);
  chmodSync(file, 0o755);
  return file;
}

/** The records of a little-endian pcap file (what tcpdump writes on a little-endian machine). */
function records(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 24; at + 16 <= file.length;) {
    const length = file.readUInt32LE(at + 8);
    out.push(file.subarray(at + 16, at + 16 + length));
    at += 16 + length;
  }
  return out;
}

/** A tiny exchange on 127.0.0.1, port 0: the client sends a token, the server echoes it and both close. */
async function exchange(
  token: string,
): Promise<{ port: number; play: () => Promise<void>; close: () => void }> {
  const server = net.createServer((socket) => socket.pipe(socket));
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  const play = async () => {
    const client = net.connect(port, "127.0.0.1");
    client.end(token);
    let echoed = "";
    client.on("data", (d: Buffer) => (echoed += d.toString()));
    await new Promise((resolve) => client.on("close", resolve));
    expect(echoed).toBe(token);
  };
  return { port, play, close: () => server.close() };
}

describe("captureWhile", () => {
  it("without tcpdump, throws CaptureUnavailable saying how to install it, and plays nothing", async () => {
    let played = false;
    const run = captureWhile(
      { out: path.join(tmp, "none.pcap"), tcpdump: path.join(tmp, "no-such-tcpdump") },
      async () => {
        played = true;
      },
    );
    await expect(run).rejects.toThrow(CaptureUnavailable);
    await expect(run).rejects.toThrow(
      errorMatching(/not installed.*sudo apt-get install tcpdump.*macOS ships it/),
    );
    await expect(run).rejects.toMatchObject({ code: "KATA_CAPTURE_UNAVAILABLE", reason: "missing" });
    expect(played).toBe(false);
  });

  it("says why in the learner's language too (the CLI passes its own words)", () => {
    const ko = loadCatalogue("ko");
    const say = (key: MessageKey, params?: Record<string, string>) => ko.t(key, params);
    expect(captureUnavailable(say, "missing", "/x/tcpdump", "")).toBe(
      `${ko.t("capture.missing")}${ko.t("capture.notFound", { binary: "/x/tcpdump" })}`,
    );
    expect(captureUnavailable(say, "missing", "/x/tcpdump", "")).toMatch(/^tcpdump가 설치되어 있지 않습니다/);
    expect(captureUnavailable(say, "permission", "/x/tcpdump", "EPERM")).toContain(
      "sudo setcap cap_net_raw,cap_net_admin=eip /x/tcpdump",
    );
  });

  it("when tcpdump may not capture, throws CaptureUnavailable naming the capabilities and the setcap line", async () => {
    const denied = fakeTcpdump(
      "denied-tcpdump",
      "tcpdump: lo: You don't have permission to perform this capture on that device (socket: Operation not permitted)",
    );
    const run = captureWhile({ out: path.join(tmp, "denied.pcap"), tcpdump: denied }, async () => undefined);
    await expect(run).rejects.toThrow(CaptureUnavailable);
    await expect(run).rejects.toThrow(
      new RegExp(
        `cap_net_raw.*run as root.*sudo setcap cap_net_raw,cap_net_admin=eip ${denied.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
      ),
    );
  });

  it("refuses to write a capture with holes: tcpdump's 'packets dropped by kernel' is an error", async () => {
    // Listens, then on SIGINT reports drops, as tcpdump does when the kernel's buffer overflowed.
    const dropping = path.join(tmp, "dropping-tcpdump");
    writeFileSync(
      dropping,
      [
        "#!/bin/sh",
        // The trap first: SIGINT may come as soon as the listening line is read.
        'trap \'echo "5 packets captured" >&2; echo "3 packets dropped by kernel" >&2; exit 0\' INT',
        "echo 'tcpdump: listening on eth9, link-type EN10MB (Ethernet), snapshot length 262144 bytes' >&2",
        "while :; do sleep 0.1; done",
        "",
      ].join("\n"),
    );
    chmodSync(dropping, 0o755);
    const out = path.join(tmp, "holes.pcap");
    await expect(
      captureWhile({ out, tcpdump: dropping, interface: "eth9" }, async () => undefined),
    ).rejects.toThrow(errorMatching(/kernel dropped 3 packet\(s\).*none was written/));
    expect(() => readFileSync(out)).toThrow(errorMatching(/ENOENT/));
  });

  it("passes on any other failure of tcpdump with its own message", async () => {
    const broken = fakeTcpdump("broken-tcpdump", "tcpdump: syntax error in filter expression");
    await expect(
      captureWhile(
        { out: path.join(tmp, "broken.pcap"), tcpdump: broken, filter: "tcp port" },
        async () => undefined,
      ),
    ).rejects.toThrow(errorMatching(/tcpdump did not start: tcpdump: syntax error in filter expression/));
  });

  it("captures a loopback exchange whole into a pcap file (without tcpdump or the right: the clear error)", async () => {
    const token = `token-${process.pid}-${Date.now()}`;
    const { port, play, close } = await exchange(token);
    const out = path.join(tmp, "nested", "exchange.pcap");
    try {
      const capture = await captureWhile({ out, filter: `tcp port ${port}` }, play);
      const file = readFileSync(out);
      expect(capture.path).toBe(out);
      expect([0xa1b2c3d4, 0xd4c3b2a1]).toContain(file.readUInt32LE(0));
      const frames = records(file);
      expect(capture.packets).toBe(frames.length);
      // The token went out and came back: two data segments carry it. No end marker is left in the file.
      expect(frames.filter((f) => f.includes(token))).toHaveLength(2);
      expect(file.includes("tcp-katas-capture-end")).toBe(false);
      // The handshake's first packet is in: the capture started before play() did.
      expect(frames.length).toBeGreaterThanOrEqual(7);
      expect(capture.linkType).toMatch(process.platform === "linux" ? /^EN10MB/ : /^NULL|^LOOP/);
    } catch (err) {
      if (!(err instanceof CaptureUnavailable)) throw err;
      expect(err.message).toMatch(
        findTcpdump() ? /setcap cap_net_raw,cap_net_admin=eip/ : /apt-get install tcpdump/,
      );
    } finally {
      close();
    }
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { connectLocal, load, run, startServer } from "../src/testing/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const kata = (k: string, f: string) => ({ file: path.join(root, "chapters", k, "solution", f), resolveFrom: path.join(root, "chapters", k) });

describe("smoke", () => {
  it("hello server", async () => {
    const t0 = performance.now();
    const { run: server, port } = await startServer(kata("04-2-basic", "hello-server.ts"));
    console.log("listening after", performance.now() - t0);
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("Hello World!");
    await server.expectExit(0);
    console.log(server.trace.map((e) => e.call).join(" "), performance.now() - t0);
  });
  it("node server", async () => {
    const { run: server, port } = await startServer(kata("04-2-basic", "hello-server-node.ts"));
    const c = await connectLocal(port);
    expect((await c.waitForEnd()).toString()).toBe("Hello World!");
    await server.expectExit(0);
  });
  it("endless loop", async () => {
    const f = "/tmp/scratch/spin.ts";
    writeFileSync(f, readFileSync(kata("04-2-basic", "hello-server.ts").file, "utf8").replace(/const clntSock = await accept\(([^;]*)\);/, "const clntSock = await accept($1);\n  for (;;) {}"));
    const server = run({ file: f, resolveFrom: path.join(root, "chapters/04-2-basic") }, ["0"], { label: "your server", deadlineMs: 1500 });
    const port = await server.port();
    await connectLocal(port);
    const err = await server.waitForExit().catch((e: Error) => e);
    console.log(String(err));
  });
  it("library", () => {
    const { parsePcap } = load<typeof import("../../chapters/04-1-layers/solution/pcap.ts")>(kata("04-1-layers", "pcap.ts"));
    const dir = path.join(root, "chapters/04-1-layers/fixtures");
    const t0 = performance.now();
    const p = parsePcap(readFileSync(path.join(dir, "hello-ipv4-ethernet.pcap")));
    console.log(p.records.length, Buffer.isBuffer(p.records[0]?.data), performance.now() - t0);
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) parsePcap(readFileSync(path.join(dir, "hello-ipv4-ethernet.pcap")));
    console.log("100 calls", performance.now() - t1);
    const { CaptureError } = load<typeof import("../../chapters/04-1-layers/solution/errors.ts")>(kata("04-1-layers", "errors.ts"));
    let e: unknown; try { parsePcap(Buffer.from("nope")); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(CaptureError);
    console.log(String(e));
  });
});

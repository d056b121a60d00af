import {
  clientTranscript,
  countCalls,
  expectBytes,
  listenLocal,
  startProgram,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Naive = typeof import("../solution/echo-client-naive.ts");
const { main } = await impl<Naive>("echo-client-naive.ts");

const echoServer = () => listenLocal((s) => s.pipe(s));

describe("stage 2: echo-client-naive.ts, the listing's client (one read per message)", () => {
  it("prints the chapter's transcript on a quiet loopback", async () => {
    const server = await echoServer();
    const client = startProgram(main, ["127.0.0.1", String(server.port)], {
      label: "your client",
      stdin: "hello\nworld\nq\n",
    });
    await client.expectExit(0);
    expectBytes(
      client.stdout.text,
      clientTranscript("Connected.........", ["hello", "world"]),
      "Your client's stdout",
    );
  });

  it("reads exactly once per message, as the listing does", async () => {
    const server = await echoServer();
    const client = startProgram(main, ["127.0.0.1", String(server.port)], {
      label: "your client",
      stdin: "a\nb\nc\nq\n",
    });
    await client.waitForExit();
    expect(countCalls(client.trace, "read")).toBe(3);
  });

  it("quits on Q as on q and at the end of input; an empty line sends nothing and prints an empty reply", async () => {
    const server = await echoServer();
    for (const [stdin, lines] of [
      ["a\nQ\nnot sent\n", ["a"]],
      ["x\n\ny", ["x", "", "y"]],
    ] as const) {
      const client = startProgram(main, ["127.0.0.1", String(server.port)], { label: "your client", stdin });
      await client.expectExit(0);
      expectBytes(client.stdout.text, clientTranscript("Connected.........", lines), "Your client's stdout");
    }
  });

  it("reports a server that resets as `read() error: ... (ECONNRESET)` and exits 1", async () => {
    const rude = await listenLocal((s) => s.once("data", () => s.resetAndDestroy()));
    const client = startProgram(main, ["127.0.0.1", String(rude.port)], {
      label: "your client",
      stdin: "boom\nq\n",
    });
    await client.expectExit(1);
    expect(client.stderr.text).toMatch(/^read\(\) error: .* \(ECONNRESET\)\n$/);
  });

  it("prints the Usage line for wrong arguments and exits 1", async () => {
    const client = startProgram(main, ["127.0.0.1"], { label: "your client", stdin: "" });
    await client.expectExit(1);
    expectBytes(client.stderr.text, "Usage : echo-client-naive.ts <IP> <port>\n", "Your client's stderr");
  });

  it("THE FLAW, shown: when TCP cuts the echo in pieces, one read() prints half a message", async () => {
    // The cut is made, not hoped for: the server echoes 4 bytes, and the rest only once the client's read()
    // has returned. So the one read() the listing makes can only see "hell".
    const server = await listenLocal((s) => {
      s.once("data", (line: Buffer) => {
        s.write(line.subarray(0, 4));
        const rest = () => {
          if (s.destroyed) return;
          if (client.trace.some((e) => e.call === "read" && e.result > 0)) s.write(line.subarray(4));
          else setImmediate(rest);
        };
        rest();
      });
    });
    const client = startProgram(main, ["127.0.0.1", String(server.port)], {
      label: "your client",
      stdin: "hello world\nq\n",
    });
    await client.expectExit(0);
    // This test passes when the flaw shows: the reply printed is not the line that was sent.
    expect(client.stdout.text).toContain("Message from server : hell\n");
    expect(client.stdout.text).not.toContain("Message from server : hello world\n");
  });
});

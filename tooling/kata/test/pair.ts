// A tiny server/client pair on the posix layer, added to a copy of the fixture kata by the tests that need one
// (trace, the blocked-in line, child processes for an attempt outside the workspace): hi-server.ts greets one
// client with "hi!\n" (socket, bind, listen, accept, write, close, close), hi-client.ts reads until the server
// closes, prints what came and closes (socket, connect, read... 0, close). Stage 3 runs the pair as processes.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { KATA } from "./helpers.ts";

export const HI_SERVER = `import { program, runIfMain } from "@tcp-katas/shared/cli";
import {
  accept,
  AF_INET,
  bind,
  close,
  htonl,
  htons,
  INADDR_ANY,
  listen,
  PF_INET,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  write,
} from "@tcp-katas/shared/posix";

export const main = program({ name: "hi-server.ts", params: ["<port>"] }, async ([port]) => {
  const serv = socket(PF_INET, SOCK_STREAM, 0);
  const addr = sockaddr_in();
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(Number(port));
  await bind(serv, addr);
  await listen(serv, 5);
  const clnt = await accept(serv, sockaddr_in());
  const message = Buffer.from("hi!\\n");
  await write(clnt, message, message.length);
  close(clnt);
  close(serv);
});

runIfMain(import.meta.url, main);
`;

export const HI_CLIENT = `import { program, runIfMain } from "@tcp-katas/shared/cli";
import {
  AF_INET,
  close,
  connect,
  htons,
  inet_addr,
  PF_INET,
  read,
  SOCK_STREAM,
  sockaddr_in,
  socket,
} from "@tcp-katas/shared/posix";

export const main = program({ name: "hi-client.ts", params: ["<IP>", "<port>"] }, async ([ip, port], io) => {
  const sock = socket(PF_INET, SOCK_STREAM, 0);
  const addr = sockaddr_in();
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = inet_addr(ip);
  addr.sin_port = htons(Number(port));
  await connect(sock, addr);
  const buf = Buffer.alloc(30);
  for (;;) {
    const n = await read(sock, buf, buf.length);
    if (n <= 0) break;
    io.stdout.write(buf.subarray(0, n));
  }
  close(sock);
});

runIfMain(import.meta.url, main);
`;

/** Stage 3: the pair as two processes, each deadline short (a failure here is about where the pair is stuck). */
const STAGE3 = `import { expectBytes, run } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

describe("stage 3: the hi pair", () => {
  it("hi-client gets hi! from hi-server, both as processes", async () => {
    const server = run(program("hi-server.ts"), ["0"], { label: "hi-server", process: true, deadlineMs: 1_500 });
    const port = await server.port();
    const client = run(program("hi-client.ts"), ["127.0.0.1", String(port)], {
      label: "hi-client",
      process: true,
      deadlineMs: 1_500,
    });
    await client.expectExit(0);
    expectBytes(client.stdout.text, "hi!\\n", "hi-client's stdout");
    await server.expectExit(0);
  });
});
`;

/** Adds the pair to the workspace's fixture kata: its files (solution/ and starter/), manifest entries, stage 3. */
export function withPair(ws: string): void {
  const dir = path.join(ws, KATA);
  for (const side of ["solution", "starter"]) {
    writeFileSync(path.join(dir, side, "hi-server.ts"), HI_SERVER);
    writeFileSync(path.join(dir, side, "hi-client.ts"), HI_CLIENT);
  }
  writeFileSync(path.join(dir, "test/stage3-pair.test.ts"), STAGE3);
  const file = path.join(dir, "kata.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    programs: unknown[];
    stages: unknown[];
  };
  manifest.programs.push(
    { file: "hi-server.ts", args: ["<port>"], stage: 3, role: "server", layer: "posix" },
    { file: "hi-client.ts", args: ["<IP>", "<port>"], stage: 3, role: "client", layer: "posix" },
  );
  manifest.stages.push({
    stage: 3,
    title: { en: "the hi pair", ko: "hi 한 쌍" },
    tests: ["test/stage3-pair.test.ts"],
    hints: [{ en: "Greet, then close.", ko: "인사하고 닫으세요." }],
  });
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

/** A server that never closes its client's socket: it waits in read() instead, and the client waits for ever. */
export const neverCloses = (text: string): string =>
  text
    .replace("  write,\n}", "  read,\n  write,\n}")
    .replace("  close(clnt);\n", "  await read(clnt, Buffer.alloc(8), 8);\n  close(clnt);\n");

// Stage 4: hello-client.ts again, in idiomatic node:net (net.connect, then for await over the socket).
// See README.md, "Stage 4: the same pair in idiomatic node:net".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "hello-client-node.ts", params: ["<IP>", "<port>"] },
  async ([ip, port]) => {
    todo(`stage 4: hello-client-node.ts: net.connect to ${ip}:${port}, collect every chunk, print it`);
  },
);

runIfMain(import.meta.url, main);

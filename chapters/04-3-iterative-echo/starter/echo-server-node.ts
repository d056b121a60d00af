// Stage 4: the iterative echo server in idiomatic node:net.
// See README.md, "Stage 4: echo-server-node.ts, idiomatic node:net".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server-node.ts", params: ["<port>"] }, async ([port]) => {
  // Build: echo-server.ts's behaviour (five clients, one at a time, "Connected client N\n", then exit 0) with
  // net.createServer, a socket per client and no posix layer. Node accepts every connection itself, so the
  // waiting line of clients is yours to keep. Tools: node:net, and on/once from node:events.
  todo(`stage 4: echo-server-node.ts: the iterative server with node:net on port ${port}`);
});

runIfMain(import.meta.url, main);

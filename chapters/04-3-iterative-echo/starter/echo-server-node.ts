// Stage 4: the iterative echo server in idiomatic node:net. The lesson: README.md (한국어: README.ko.md),
// "Stage 4: echo-server-node.ts, idiomatic node:net".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the argument, params: ["<port>"]: program() then prints `Usage : echo-server-node.ts <port>`.
export const main = program({ name: "echo-server-node.ts" }, async ([port]) => {
  // Build: echo-server.ts's behaviour (five clients, one at a time, "Connected client N\n", then exit 0) with
  // net.createServer, a socket per client and no posix layer. Node accepts every connection itself, so the
  // waiting line of clients is yours to keep. Tools: node:net, and on/once from node:events.
  todo(
    `stage 4: echo-server-node.ts: params: ["<port>"], then the iterative server with node:net on port ${port}`,
    `4단계: echo-server-node.ts: 먼저 params: ["<port>"]를 선언하고, 포트 ${port}에서 node:net으로 Iterative 서버를 만드세요`,
  );
});

runIfMain(import.meta.url, main);

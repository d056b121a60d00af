// Stage 5 (a bonus): hello-server.ts again, in idiomatic node:net (net.createServer, 'listening', 'connection', socket.end).
// The lesson: README.md (한국어: README.ko.md), "Stage 5".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-server-node.ts" }, async ([port]) => {
  todo(
    `stage 5: hello-server-node.ts: params: ["<port>"], then net.createServer(), listen on port ${port}, greet one client, close`,
    `5단계: hello-server-node.ts: 먼저 params: ["<port>"]를 선언하고, net.createServer()로 ${port}번 포트에서 listen 하고, 클라이언트 하나에게 인사한 뒤 close 하세요`,
  );
});

runIfMain(import.meta.url, main);

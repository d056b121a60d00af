// Stage 5 (a bonus): hello-client.ts again, in idiomatic node:net (net.connect, then for await over the socket).
// The lesson: README.md (한국어: README.ko.md), "Stage 5".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-client-node.ts" }, async ([ip, port]) => {
  todo(
    `stage 5: hello-client-node.ts: params: ["<IP>", "<port>"], then net.connect to ${ip}:${port}, collect every chunk, print it`,
    `5단계: hello-client-node.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, ${ip}:${port}에 net.connect 해서 받은 조각을 모두 모아 출력하세요`,
  );
});

runIfMain(import.meta.url, main);

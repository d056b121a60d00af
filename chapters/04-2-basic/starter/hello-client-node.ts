// Stage 5 (a bonus): hello-client.ts again, in idiomatic node:net (net.connect, then for await over the socket).
// The lesson: README.md (한국어: README.ko.md), "Stage 5".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-client-node.ts" }, async ([ip, port]) => {
  todo(
    `stage 5: hello-client-node.ts: params: ["<IP>", "<port>"], then net.connect to ${ip}:${port}, collect every chunk, print it`,
  );
});

runIfMain(import.meta.url, main);

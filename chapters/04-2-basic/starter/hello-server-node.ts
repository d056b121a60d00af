// Stage 4: hello-server.ts again, in idiomatic node:net (net.createServer, 'listening', 'connection', socket.end).
// See README.md, "Stage 4: the same pair in idiomatic node:net".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-server-node.ts", params: ["<port>"] }, async ([port]) => {
  todo(`stage 4: hello-server-node.ts: net.createServer(), listen on port ${port}, greet one client, close`);
});

runIfMain(import.meta.url, main);

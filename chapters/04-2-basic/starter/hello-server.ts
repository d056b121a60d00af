// Stage 1: the server's six steps, in the chapter's order. See README.md, "Stage 1", and `pnpm kata hint 04-2`.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-server.ts", params: ["<port>"] }, async ([port]) => {
  // 1. socket(PF_INET, SOCK_STREAM, 0), checked against -1 with errorHandling("socket() error", lastError())
  // 2. bind() to INADDR_ANY and htons(port): fill a sockaddr_in() first
  // 3. listen() with a backlog of 5
  // 4. accept() one client
  // 5. write() the 12 bytes of "Hello World!"
  // 6. close() the client's socket, then the server's
  todo(`stage 1: hello-server.ts: socket → bind → listen → accept → write → close (port ${port})`);
});

runIfMain(import.meta.url, main);

// Stage 1: the server's six steps, in the chapter's order. The lesson: README.md (한국어: README.ko.md),
// "Stage 1"; `pnpm kata hint 04-2 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First, as the listing's `if (argc != 2)` does: declare the argument, params: ["<port>"], next to the name.
// program() then prints `Usage : hello-server.ts <port>` for wrong arguments and exits 1.
export const main = program({ name: "hello-server.ts" }, async ([port]) => {
  // Build: a server that listens on `port` (every local address), greets one client with the 12 bytes of
  // "Hello World!", closes both sockets and returns. A failed call stops it with errorHandling(label, lastError()).
  // Calls: socket, bind, listen, accept, write, close, with sockaddr_in, htons, htonl, INADDR_ANY, AF_INET, PF_INET,
  // SOCK_STREAM and lastError from "@tcp-katas/shared/posix"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 1: hello-server.ts: params: ["<port>"], then socket → bind → listen → accept → write → close (port ${port})`,
    `1단계: hello-server.ts: 먼저 params: ["<port>"]를 선언하고, socket → bind → listen → accept → write → close (포트 ${port})`,
  );
});

runIfMain(import.meta.url, main);

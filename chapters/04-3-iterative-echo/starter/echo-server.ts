// Stage 1: the iterative echo server, with @tcp-katas/shared/posix. The lesson: README.md (한국어: README.ko.md),
// "Stage 1: echo-server.ts, one client at a time"; `pnpm kata hint 04-3 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First, as the listing's `if (argc != 2)` does: declare the argument, params: ["<port>"], next to the name.
// program() then prints `Usage : echo-server.ts <port>` for wrong arguments and exits 1.
export const main = program({ name: "echo-server.ts" }, async ([port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: a server on `port` that serves five clients one after another: for each, print "Connected client N\n"
  // (N from 1) on io.stdout, send back every byte it sends until it leaves, close its socket; then close the
  // listening socket and return. A failed setup call stops it with errorHandling(label, lastError()).
  // Calls: socket, bind, listen, accept, read, write, close (+ sockaddr_in, htons, htonl, INADDR_ANY, lastError)
  // from "@tcp-katas/shared/posix"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 1: echo-server.ts: params: ["<port>"], then serve 5 clients one at a time: accept → echo → close (port ${port})`,
    `1단계: echo-server.ts: 먼저 params: ["<port>"]를 선언하고, 클라이언트 5개를 한 번에 하나씩 처리하세요: accept → 에코 → close (포트 ${port})`,
  );
});

runIfMain(import.meta.url, main);

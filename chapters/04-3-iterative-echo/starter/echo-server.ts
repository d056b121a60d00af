// Stage 1: the iterative echo server, with @tcp-katas/shared/posix.
// See README.md, "Stage 1: echo-server.ts, one client at a time", and `pnpm kata hint 04-3 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server.ts", params: ["<port>"] }, async ([port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: a server on `port` that serves five clients one after another: for each, print "Connected client N\n"
  // (N from 1) on io.stdout, send back every byte it sends until it leaves, close its socket; then close the
  // listening socket and return. A failed setup call stops it with errorHandling(label, lastError()).
  // Calls: socket, bind, listen, accept, read, write, close (+ sockaddr_in, htons, htonl, INADDR_ANY, lastError)
  // from "@tcp-katas/shared/posix"; errorHandling from "@tcp-katas/shared/cli".
  todo(`stage 1: echo-server.ts: serve 5 clients one at a time on port ${port}`);
});

runIfMain(import.meta.url, main);

// Stages 1-3: chapter 1's hello server, made iterative, against @tcp-katas/shared/winsock.
// See README.md, "Stage 1: the server greets a client" and the stages after it; `pnpm kata hint q7 1` when stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

const options = { name: "hello-server-iterative-win.ts", params: ["<port>"], handlesSignals: true } as const;

export const main = program(options, async ([port], io) => {
  void io; // io.stdout and io.signal are the program's; this line only keeps the linter quiet until you use io.
  // Build: a server on `port` that greets clients one after another, for ever: for each, print
  // "Connected client N\n" (N from 1), send it the 12 bytes of "Hello World!" and close its socket. A client that
  // resets or leaves at once must not stop it. When io.signal is aborted (SIGINT/SIGTERM, or the tests), it must
  // stop cleanly: listening socket closed, WSACleanup called, exit code 0 (stage 3).
  // Calls: WSAStartup, MAKEWORD, WSADATA, WSACleanup, socket, bind, listen, accept, send, closesocket,
  // INVALID_SOCKET, SOCKET_ERROR, lastError (+ sockaddr_in, htons, htonl, INADDR_ANY) from
  // "@tcp-katas/shared/winsock"; errorHandling from "@tcp-katas/shared/cli".
  todo(`stage 1: hello-server-iterative-win.ts: greet every client on port ${port}, one at a time`);
});

runIfMain(import.meta.url, main, options);

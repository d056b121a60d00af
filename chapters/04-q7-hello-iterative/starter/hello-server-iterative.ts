// Stage 1: chapter 1's Linux hello server, made iterative, against @tcp-katas/shared/posix. The lesson: README.md
// (한국어: README.ko.md), "Stage 1" and "How a for-ever server stops"; `pnpm kata hint q7 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First, as the listing's `if (argc != 2)` does: declare the argument, params: ["<port>"], next to the name.
// program() then prints `Usage : hello-server-iterative.ts <port>` for wrong arguments and exits 1.
// handlesSignals: true means SIGINT/SIGTERM do not kill the program: they abort io.signal.
const options = { name: "hello-server-iterative.ts", handlesSignals: true } as const;

export const main = program(options, async ([port], io) => {
  void io; // io.stdout and io.signal are the program's; this line only keeps the linter quiet until you use io.
  // Build: 04-2's hello server on `port`, made to greet clients one after another, for ever: for each, print
  // "Connected client N\n" (N from 1), write it the 12 bytes of "Hello World!" and close its socket. A client
  // that resets or leaves at once must not stop it. When io.signal is aborted (SIGINT/SIGTERM, or the tests), it
  // must stop cleanly: the listening socket closed once, every client's socket closed, exit code 0.
  // Calls: socket, bind, listen, accept, write, close, lastError (+ sockaddr_in, htons, htonl, INADDR_ANY,
  // AF_INET, PF_INET, SOCK_STREAM) from "@tcp-katas/shared/posix"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 1: hello-server-iterative.ts: params: ["<port>"], then socket → bind → listen → greet every client on port ${port}, one at a time`,
    `1단계: hello-server-iterative.ts: 먼저 params: ["<port>"]를 선언하고, socket → bind → listen → ${port}번 포트에서 클라이언트마다 하나씩 인사`,
  );
});

runIfMain(import.meta.url, main, options);

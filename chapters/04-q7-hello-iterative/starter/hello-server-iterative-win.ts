// Stages 2-4: chapter 1's Windows hello server, made iterative, against @tcp-katas/shared/winsock. The lesson:
// README.md (한국어: README.ko.md), "Stage 2" and the stages after it; `pnpm kata hint q7 2` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First, as the listing's `if (argc != 2)` does: declare the argument, params: ["<port>"], next to the name.
// program() then prints `Usage : hello-server-iterative-win.ts <port>` for wrong arguments and exits 1.
// handlesSignals: true means SIGINT/SIGTERM do not kill the program: they abort io.signal (stage 4).
const options = { name: "hello-server-iterative-win.ts", handlesSignals: true } as const;

export const main = program(options, async ([port], io) => {
  void io; // io.stdout and io.signal are the program's; this line only keeps the linter quiet until you use io.
  // Build: a server on `port` that greets clients one after another, for ever: for each, print
  // "Connected client N\n" (N from 1), send it the 12 bytes of "Hello World!" and close its SOCKET with
  // closesocket. A client that resets or leaves at once must not stop it. When io.signal is aborted
  // (SIGINT/SIGTERM, or the tests), it must stop cleanly: listening SOCKET closed, WSACleanup called, exit code
  // 0 (stage 4).
  // Calls: WSAStartup, MAKEWORD, WSADATA, WSACleanup, socket, bind, listen, accept, send, closesocket,
  // INVALID_SOCKET, SOCKET_ERROR, lastError (+ sockaddr_in, htons, htonl, INADDR_ANY, AF_INET, PF_INET,
  // SOCK_STREAM) from "@tcp-katas/shared/winsock"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 2: hello-server-iterative-win.ts: params: ["<port>"], then WSAStartup → greet every client on port ${port}, one at a time`,
    `2단계: hello-server-iterative-win.ts: 먼저 params: ["<port>"]를 선언하고, WSAStartup → ${port}번 포트에서 클라이언트마다 하나씩 인사`,
  );
});

runIfMain(import.meta.url, main, options);

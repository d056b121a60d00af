// Stage 1: the iterative echo server against @tcp-katas/shared/winsock (stages 3 and 4 check it again). The
// lesson: README.md (한국어: README.ko.md), "Stage 1"; `pnpm kata hint 04-4 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First, as the listing's `if (argc != 2)` does: declare the argument, params: ["<port>"], next to the name.
// program() then prints `Usage : echo-server-win.ts <port>` for wrong arguments and exits 1.
export const main = program({ name: "echo-server-win.ts" }, async ([port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: 04-3's echo-server.ts with Winsock's calls: five clients one at a time, "Connected client N\n" for
  // each, every byte echoed, each client's SOCKET closed with closesocket, then exit 0; Winsock started before
  // any other call and given back (WSACleanup) on every way out.
  // Calls: WSAStartup, MAKEWORD, WSADATA, WSACleanup, socket, bind, listen, accept, recv, send, closesocket,
  // INVALID_SOCKET, SOCKET_ERROR, lastError (+ sockaddr_in, htons, htonl, INADDR_ANY, AF_INET, PF_INET,
  // SOCK_STREAM) from "@tcp-katas/shared/winsock"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 1: echo-server-win.ts: params: ["<port>"], then WSAStartup → the iterative echo server on port ${port} → WSACleanup`,
    `1단계: echo-server-win.ts: 먼저 params: ["<port>"]를 선언하고, WSAStartup → ${port}번 포트의 Iterative 에코 서버 → WSACleanup`,
  );
});

runIfMain(import.meta.url, main);

// Stage 1: the iterative echo server against @tcp-katas/shared/winsock (stages 3 and 4 check it again).
// See README.md, "Stage 1: echo-server-win.ts, one client at a time", and `pnpm kata hint 04-4 1` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server-win.ts", params: ["<port>"] }, async ([port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: 04-3's echo-server.ts with Winsock's calls: five clients one at a time, "Connected client N\n" for
  // each, every byte echoed, then exit 0; Winsock started before any other call and given back on every way out.
  // Calls: WSAStartup, MAKEWORD, WSADATA, WSACleanup, socket, bind, listen, accept, recv, send, closesocket,
  // INVALID_SOCKET, SOCKET_ERROR, lastError (+ sockaddr_in, htons, htonl, INADDR_ANY) from
  // "@tcp-katas/shared/winsock"; errorHandling from "@tcp-katas/shared/cli".
  todo(`stage 1: echo-server-win.ts: WSAStartup, the iterative echo server on port ${port}, WSACleanup`);
});

runIfMain(import.meta.url, main);

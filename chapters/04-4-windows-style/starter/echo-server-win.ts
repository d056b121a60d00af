// Stages 1, 2 and 4: the iterative echo server against @tcp-katas/shared/winsock. See README.md.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server-win.ts", params: ["<port>"] }, async ([port]) => {
  // WSAStartup(MAKEWORD(2, 2), WSADATA()) first; then as 04-3's echo-server.ts, but: compare socket()/accept()
  // with INVALID_SOCKET and the rest with SOCKET_ERROR, recv/send with flags 0, closesocket; WSACleanup()
  // at the end AND in your own ErrorHandling(message) before it calls errorHandling(message, lastError()).
  todo(`stage 2: echo-server-win.ts: WSAStartup, the iterative echo server on port ${port}, WSACleanup`);
});

runIfMain(import.meta.url, main);

// Stage 5: the hello client against @tcp-katas/shared/winsock. The lesson: README.md (한국어: README.ko.md),
// "Stage 5: hello-client-win.ts"; `pnpm kata hint q7 5` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the arguments, params: ["<IP>", "<port>"]: program() then prints the listing's Usage line,
// `Usage : hello-client-win.ts <IP> <port>`, for wrong arguments and exits 1.
export const main = program({ name: "hello-client-win.ts" }, async ([ip, port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: connect to ip:port, receive the whole greeting (it may come in pieces), print
  // "Message from server : <greeting>\n", and give back the SOCKET (closesocket) and Winsock (WSACleanup) on
  // every way out.
  // Calls: as in the server, with connect and inet_addr instead of bind, listen and accept.
  todo(
    `stage 5: hello-client-win.ts: params: ["<IP>", "<port>"], then WSAStartup → receive the greeting from ${ip}:${port} → WSACleanup`,
    `5단계: hello-client-win.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, WSAStartup → ${ip}:${port}에서 인사말 받기 → WSACleanup`,
  );
});

runIfMain(import.meta.url, main);

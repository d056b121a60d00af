// Stage 2: the stream-safe echo client against @tcp-katas/shared/winsock (stages 3 and 4 check it again). The
// lesson: README.md (한국어: README.ko.md), "Stage 2"; `pnpm kata hint 04-4 2` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the arguments, params: ["<IP>", "<port>"]: program() then prints the listing's Usage line,
// `Usage : echo-client-win.ts <IP> <port>`, for wrong arguments and exits 1.
export const main = program({ name: "echo-client-win.ts" }, async ([ip, port], io) => {
  void io; // io.stdin and io.stdout are the program's; this line only keeps the linter quiet until you use io.
  // Build: 04-3's stream-safe echo-client.ts with Winsock's calls; its banner has ten dots: "Connected..........\n".
  // Winsock started first and given back on every way out, the error paths included.
  // Calls: as in echo-server-win.ts, with connect and inet_addr instead of bind, listen and accept; lineInput
  // and connectionClosed from "@tcp-katas/shared/cli".
  todo(
    `stage 2: echo-client-win.ts: params: ["<IP>", "<port>"], then WSAStartup → the stream-safe client (${ip}:${port}) → WSACleanup`,
    `2단계: echo-client-win.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, WSAStartup → 스트림에 안전한 클라이언트(${ip}:${port}) → WSACleanup`,
  );
});

runIfMain(import.meta.url, main);

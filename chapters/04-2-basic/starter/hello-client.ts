// Stage 2: the client's four steps. The lesson: README.md (한국어: README.ko.md), "Stage 2";
// `pnpm kata hint 04-2 2` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the arguments, params: ["<IP>", "<port>"]: program() then prints the listing's Usage line.
export const main = program({ name: "hello-client.ts" }, async ([ip, port], io) => {
  void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
  // Build: a client that connects to ip:port, receives the server's whole greeting (it may come in pieces),
  // prints "Message from server : <greeting>\n" on io.stdout and closes its socket.
  // Calls: socket, connect, read, close, with sockaddr_in, inet_addr, htons, AF_INET, PF_INET, SOCK_STREAM and
  // lastError from "@tcp-katas/shared/posix"; errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 2: hello-client.ts: params: ["<IP>", "<port>"], then socket → connect → read until 0 → print → close (${ip}:${port})`,
    `2단계: hello-client.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, socket → connect → 0이 나올 때까지 read → 출력 → close (${ip}:${port})`,
  );
});

runIfMain(import.meta.url, main);

// Stage 2: the echo client exactly as the chapter's listing writes it: ONE read() per message. The lesson:
// README.md (한국어: README.ko.md), "Stage 2: echo-client-naive.ts, the listing's client".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the arguments, params: ["<IP>", "<port>"]: program() then prints the listing's Usage line.
export const main = program({ name: "echo-client-naive.ts" }, async ([ip, port], io) => {
  void io; // io.stdin and io.stdout are the program's; this line only keeps the linter quiet until you use io.
  // Build: connect, print "Connected.........\n", then for each line typed: prompt "Input message(Q to quit) : ",
  // send the line, print "Message from server : <reply>\n" with what ONE read() returned; q, Q or the end of
  // input ends it. Calls: socket, connect, read, write, close from "@tcp-katas/shared/posix"; lineInput and
  // errorHandling from "@tcp-katas/shared/cli".
  todo(
    `stage 2: echo-client-naive.ts: params: ["<IP>", "<port>"], then the listing's client with one read() per line (${ip}:${port})`,
    `2단계: echo-client-naive.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, 줄마다 read()를 한 번만 하는 예제 그대로의 클라이언트를 만드세요 (${ip}:${port})`,
  );
});

runIfMain(import.meta.url, main);

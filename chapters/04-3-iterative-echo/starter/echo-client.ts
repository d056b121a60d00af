// Stage 3: the stream-safe echo client. The lesson: README.md (한국어: README.ko.md), "Stage 3: echo-client.ts,
// stream-safe", and "The fix".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

// First declare the arguments, params: ["<IP>", "<port>"]: program() then prints the listing's Usage line.
export const main = program({ name: "echo-client.ts" }, async ([ip, port], io) => {
  void io; // io.stdin and io.stdout are the program's; this line only keeps the linter quiet until you use io.
  // Build: the same prompts and output as echo-client-naive.ts, but every reply printed whole however TCP cuts
  // it, for any line (Korean, empty, very long). If the server goes away mid-reply: errorHandling("read() error",
  // ...) and exit 1. The end of input: close and exit 0. Calls: as in echo-client-naive.ts.
  todo(
    `stage 3: echo-client.ts: params: ["<IP>", "<port>"], then the stream-safe client: read until every byte sent came back (${ip}:${port})`,
    `3단계: echo-client.ts: 먼저 params: ["<IP>", "<port>"]를 선언하고, 보낸 바이트가 모두 돌아올 때까지 read 하는 스트림에 안전한 클라이언트를 만드세요 (${ip}:${port})`,
  );
});

runIfMain(import.meta.url, main);

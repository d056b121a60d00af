// Stage 3: the stream-safe echo client. See README.md, "Stage 3: echo-client.ts, stream-safe", and "The fix".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "echo-client.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    void io; // io.stdin and io.stdout are the program's; this line only keeps the linter quiet until you use io.
    // Build: the same prompts and output as echo-client-naive.ts, but every reply printed whole however TCP cuts
    // it, for any line (Korean, empty, very long). If the server goes away mid-reply: errorHandling("read() error",
    // ...) and exit 1. The end of input: close and exit 0. Calls: as in echo-client-naive.ts.
    todo(`stage 3: echo-client.ts: the stream-safe client (${ip}:${port})`);
  },
);

runIfMain(import.meta.url, main);

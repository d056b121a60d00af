// Stage 3: the stream-safe echo client: read until as many bytes came back as were sent.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-client.ts", params: ["<IP>", "<port>"] }, async ([ip, port]) => {
  // Same prompts and output as echo-client-naive.ts, but count bytes: keep calling read() until
  // recvLen === the byte length of the line sent (Buffer.from(line).length, not line.length).
  // read() returning 0 or -1 before that: errorHandling("read() error", ...). End of input: leave cleanly.
  todo(`stage 3: echo-client.ts: the stream-safe client (${ip}:${port})`);
});

runIfMain(import.meta.url, main);

// Stages 1, 3 and 4: the stream-safe echo client against @tcp-katas/shared/winsock. See README.md.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "echo-client-win.ts", params: ["<IP>", "<port>"] },
  async ([ip, port]) => {
    // WSAStartup first; connect; print "Connected..........\n" (ten dots); then 04-3's stream-safe loop with
    // send/recv; closesocket and WSACleanup on the way out, including from your own ErrorHandling().
    todo(`stage 3: echo-client-win.ts: the stream-safe client with Winsock (${ip}:${port})`);
  },
);

runIfMain(import.meta.url, main);

// Stage 2: the stream-safe echo client against @tcp-katas/shared/winsock (stages 3 and 4 check it again).
// See README.md, "Stage 2: echo-client-win.ts, stream-safe", and `pnpm kata hint 04-4 2` when you are stuck.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "echo-client-win.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    void io; // io.stdin and io.stdout are the program's; this line only keeps the linter quiet until you use io.
    // Build: 04-3's stream-safe echo-client.ts with Winsock's calls; its banner has ten dots: "Connected..........\n".
    // Winsock started first and given back on every way out, the error paths included.
    // Calls: as in echo-server-win.ts, with connect and inet_addr instead of bind, listen and accept.
    todo(`stage 2: echo-client-win.ts: the stream-safe client with Winsock (${ip}:${port})`);
  },
);

runIfMain(import.meta.url, main);

// Stage 2: the echo client exactly as the chapter's listing writes it: ONE read() per message.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "echo-client-naive.ts", params: ["<IP>", "<port>"] },
  async ([ip, port]) => {
    // socket → connect → print "Connected.........\n"; then loop: prompt "Input message(Q to quit) : ",
    // read a line with lineInput(io.stdin).getline(), stop on q, Q or null, write it, read() ONCE, print
    // "Message from server : <what that one read returned>\n"; finally close.
    todo(`stage 2: echo-client-naive.ts: the listing's client with one read() per line (${ip}:${port})`);
  },
);

runIfMain(import.meta.url, main);

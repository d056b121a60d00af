// Stage 4: the hello client against @tcp-katas/shared/winsock. See README.md, "Stage 4: hello-client-win.ts".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "hello-client-win.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    void io; // io.stdout is where the program prints; this line only keeps the linter quiet until you use io.
    // Build: connect to ip:port, receive the whole greeting (it may come in pieces), print
    // "Message from server : <greeting>\n", and give back the socket and Winsock on every way out.
    // Calls: as in the server, with connect and inet_addr instead of bind, listen and accept.
    todo(`stage 4: hello-client-win.ts: receive the greeting from ${ip}:${port}`);
  },
);

runIfMain(import.meta.url, main);

// Stage 2: the client's four steps. See README.md, "Stage 2", and `pnpm kata hint 04-2`.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-client.ts", params: ["<IP>", "<port>"] }, async ([ip, port]) => {
  // 1. socket()
  // 2. connect() to inet_addr(ip) and htons(port) (no bind: connect picks the client's address)
  // 3. read() until it returns 0 (the server closed): the greeting may come in pieces
  // 4. print "Message from server : <greeting>\n" on io.stdout (take io as the second parameter), then close()
  todo(`stage 2: hello-client.ts: socket → connect → read until 0 → print → close (${ip}:${port})`);
});

runIfMain(import.meta.url, main);

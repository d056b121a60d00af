// Stage 4: the hello client against @tcp-katas/shared/winsock. See README.md.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "hello-client-win.ts", params: ["<IP>", "<port>"] },
  async ([ip, port]) => {
    // WSAStartup; socket; connect; recv until 0; print "Message from server : <greeting>\n"; closesocket; WSACleanup.
    todo(`stage 4: hello-client-win.ts: receive the greeting from ${ip}:${port}`);
  },
);

runIfMain(import.meta.url, main);

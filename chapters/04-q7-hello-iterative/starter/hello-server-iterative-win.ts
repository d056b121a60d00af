// Stages 1-3: chapter 1's hello server, made iterative, against @tcp-katas/shared/winsock. See README.md.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

const options = { name: "hello-server-iterative-win.ts", params: ["<port>"], handlesSignals: true } as const;

export const main = program(options, async ([port]) => {
  // WSAStartup; socket; bind (INADDR_ANY, htons(port)); listen(…, 5); then for ever: accept, print
  // "Connected client N\n" (N from 1), send the 12 bytes of "Hello World!", closesocket.
  // On io.signal's "abort": closesocket the listening socket so accept() fails, leave the loop, WSACleanup.
  todo(`stage 1: hello-server-iterative-win.ts: greet every client on port ${port}, one at a time`);
});

runIfMain(import.meta.url, main, options);

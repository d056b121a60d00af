// Review question 7, the Linux half: chapter 1's hello server made iterative, against the posix layer. It greets
// clients one after another for ever, counting them, until SIGINT or SIGTERM; then it leaves its loop and exits 0.
import { errorHandling, program, runIfMain } from "@tcp-katas/shared/cli";
import {
  accept,
  AF_INET,
  bind,
  close,
  htonl,
  htons,
  INADDR_ANY,
  lastError,
  listen,
  PF_INET,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  write,
} from "@tcp-katas/shared/posix";

const options = { name: "hello-server-iterative.ts", params: ["<port>"], handlesSignals: true } as const;

export const main = program(options, async ([port], io) => {
  const servSock = socket(PF_INET, SOCK_STREAM, 0);
  if (servSock === -1) errorHandling("socket() error", lastError());

  const servAddr = sockaddr_in();
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servAddr.sin_port = htons(Number(port));
  if ((await bind(servSock, servAddr)) === -1) errorHandling("bind() error", lastError());
  if ((await listen(servSock, 5)) === -1) errorHandling("listen() error", lastError());

  // In C, a SIGINT/SIGTERM handler installed with sigaction() and no SA_RESTART sets a flag, and the accept() it
  // interrupts fails with EINTR. Here io.signal is that flag (aborted on SIGINT/SIGTERM), and nothing interrupts
  // the accept() by itself: the layer's own rule does it instead, closing the listening descriptor makes the
  // accept() waiting on it return -1 (EINTR). So the listening socket is closed here, once, and not after the loop.
  io.signal?.addEventListener("abort", () => close(servSock), { once: true });

  // The whole string, not one char; its byte length, not sizeof a pointer or a NUL more.
  const message = Buffer.from("Hello World!");
  const clntAddr = sockaddr_in();
  for (let i = 0; ; i++) {
    const clntSock = await accept(servSock, clntAddr);
    if (clntSock === -1) {
      if (io.signal?.aborted) break;
      errorHandling("accept() error", lastError());
    }
    io.stdout.write(`Connected client ${i + 1}\n`);
    // A client that already left makes write fail; that ends its turn, not the server.
    await write(clntSock, message, message.length);
    close(clntSock);
  }
});

runIfMain(import.meta.url, main, options);

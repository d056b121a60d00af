// The server's six steps, in the chapter's order: socket → bind → listen → accept → write → close.
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

export const main = program({ name: "hello-server.ts", params: ["<port>"] }, async ([port]) => {
  // 1. socket(): a TCP socket, not yet tied to any address.
  const servSock = socket(PF_INET, SOCK_STREAM, 0);
  if (servSock === -1) errorHandling("socket() error", lastError());

  // 2. bind(): every local address (INADDR_ANY), the port from the command line, both in network byte order.
  const servAddr = sockaddr_in();
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servAddr.sin_port = htons(Number(port));
  if ((await bind(servSock, servAddr)) === -1) errorHandling("bind() error", lastError());

  // 3. listen(): from here on clients may connect; the backlog (5) bounds a kernel's queue they wait in for
  // accept() (the layer's own queue is unbounded: Node accepts for it).
  if ((await listen(servSock, 5)) === -1) errorHandling("listen() error", lastError());

  // 4. accept(): take the first waiting connection; it gets a socket of its own.
  const clntAddr = sockaddr_in();
  const clntSock = await accept(servSock, clntAddr);
  if (clntSock === -1) errorHandling("accept() error", lastError());

  // 5. write(): the 12 bytes of the greeting (no terminating NUL: the peer needs only the text).
  const message = Buffer.from("Hello World!");
  if ((await write(clntSock, message, message.length)) === -1) errorHandling("write() error", lastError());

  // 6. close(): the client's socket, then the listening one.
  close(clntSock);
  close(servSock);
});

runIfMain(import.meta.url, main);

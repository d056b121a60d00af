// Review question 7: chapter 1's hello server made iterative. It greets clients one after another for ever,
// counting them, until SIGINT or SIGTERM; then it closes its listening socket and gives Winsock back.
import { type ErrorCause, errorHandling, program, runIfMain } from "@tcp-katas/shared/cli";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  htonl,
  htons,
  INADDR_ANY,
  INVALID_SOCKET,
  lastError,
  listen,
  MAKEWORD,
  PF_INET,
  send,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  SOCKET_ERROR,
  WSACleanup,
  WSADATA,
  WSAStartup,
} from "@tcp-katas/shared/winsock";

function ErrorHandling(message: string, cause: ErrorCause = lastError()): never {
  WSACleanup();
  errorHandling(message, cause);
}

const options = { name: "hello-server-iterative-win.ts", params: ["<port>"], handlesSignals: true } as const;

export const main = program(options, async ([port], io) => {
  const wsaData = WSADATA();
  if (WSAStartup(MAKEWORD(2, 2), wsaData) !== 0) ErrorHandling("WSAStartup() error");

  const hServSock = socket(PF_INET, SOCK_STREAM, 0);
  if (hServSock === INVALID_SOCKET) ErrorHandling("socket() error");

  const servAddr = sockaddr_in();
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servAddr.sin_port = htons(Number(port));
  if ((await bind(hServSock, servAddr)) === SOCKET_ERROR) ErrorHandling("bind() error");
  if ((await listen(hServSock, 5)) === SOCKET_ERROR) ErrorHandling("listen() error");

  // The quiz listing's loop never ends, so its cleanup is unreachable. Here a signal closes the listening
  // socket; the accept() waiting on it then fails, and the loop ends through the normal way out.
  io.signal?.addEventListener("abort", () => closesocket(hServSock), { once: true });

  // The whole string, not one char; its byte length, not sizeof a pointer or a NUL more.
  const message = Buffer.from("Hello World!");
  const clntAddr = sockaddr_in();
  for (let i = 0; ; i++) {
    const hClntSock = await accept(hServSock, clntAddr);
    if (hClntSock === INVALID_SOCKET) {
      if (io.signal?.aborted) break;
      ErrorHandling("accept() error");
    }
    io.stdout.write(`Connected client ${i + 1}\n`);
    // Planted bug: a client that left before its greeting makes send fail, and that ends the whole server.
    if ((await send(hClntSock, message, message.length, 0)) === SOCKET_ERROR) ErrorHandling("send() error");
    closesocket(hClntSock);
  }
  WSACleanup();
});

runIfMain(import.meta.url, main, options);

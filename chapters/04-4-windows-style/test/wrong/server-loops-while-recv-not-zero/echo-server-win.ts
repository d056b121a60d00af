// WRONG ATTEMPT, kept as a regression case (see wrong.json). The iterative echo server against Winsock: accept one client, echo until it leaves, close it, accept the next; five in all.
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
  recv,
  send,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  SOCKET_ERROR,
  WSACleanup,
  WSADATA,
  WSAStartup,
} from "@tcp-katas/shared/winsock";

const BUF_SIZE = 1024;
const CLIENTS = 5;

/** Ends the program with the reason, and gives Winsock back first: WSACleanup on every way out. */
function ErrorHandling(message: string, cause: ErrorCause = lastError()): never {
  WSACleanup();
  errorHandling(message, cause);
}

export const main = program({ name: "echo-server-win.ts", params: ["<port>"] }, async ([port], io) => {
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

  const message = Buffer.alloc(BUF_SIZE);
  const clntAddr = sockaddr_in();
  for (let i = 0; i < CLIENTS; i++) {
    // Clients that connect meanwhile wait in the listen queue; accept() takes the oldest.
    const hClntSock = await accept(hServSock, clntAddr);
    if (hClntSock === INVALID_SOCKET) ErrorHandling("accept() error");
    io.stdout.write(`Connected client ${i + 1}\n`);

    // WRONG (the listing's loop): `!= 0` takes SOCKET_ERROR for a length; after a reset recv keeps failing,
    // so this client's turn never ends and the server never accepts the next one.
    let strLen: number;
    while ((strLen = await recv(hClntSock, message, BUF_SIZE, 0)) !== 0) {
      await send(hClntSock, message, strLen, 0);
    }
    closesocket(hClntSock);
  }
  closesocket(hServSock);
  WSACleanup();
});

runIfMain(import.meta.url, main);

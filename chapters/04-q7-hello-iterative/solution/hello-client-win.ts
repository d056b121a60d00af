// The hello client against Winsock: connect, receive until the server closes, print, clean up.
import { type ErrorCause, errorHandling, program, runIfMain } from "@tcp-katas/shared/cli";
import {
  AF_INET,
  closesocket,
  connect,
  htons,
  inet_addr,
  INVALID_SOCKET,
  lastError,
  MAKEWORD,
  PF_INET,
  recv,
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

export const main = program(
  { name: "hello-client-win.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    const wsaData = WSADATA();
    if (WSAStartup(MAKEWORD(2, 2), wsaData) !== 0) ErrorHandling("WSAStartup() error");

    const hSocket = socket(PF_INET, SOCK_STREAM, 0);
    if (hSocket === INVALID_SOCKET) ErrorHandling("socket() error");

    const servAddr = sockaddr_in();
    servAddr.sin_family = AF_INET;
    servAddr.sin_addr.s_addr = inet_addr(ip);
    servAddr.sin_port = htons(Number(port));
    if ((await connect(hSocket, servAddr)) === SOCKET_ERROR) ErrorHandling("connect() error");

    // The greeting may come in pieces: receive until the server closes (recv returns 0).
    const message = Buffer.alloc(30);
    const received: Buffer[] = [];
    for (;;) {
      const strLen = await recv(hSocket, message, message.length, 0);
      if (strLen === SOCKET_ERROR) ErrorHandling("recv() error");
      if (strLen === 0) break;
      received.push(Buffer.from(message.subarray(0, strLen)));
    }
    io.stdout.write(`Message from server : ${Buffer.concat(received).toString("utf8")}\n`);
    closesocket(hSocket);
    WSACleanup();
  },
);

runIfMain(import.meta.url, main);

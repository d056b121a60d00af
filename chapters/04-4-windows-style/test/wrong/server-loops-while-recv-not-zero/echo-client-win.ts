// The stream-safe echo client against Winsock: it knows how many bytes it sent, so it receives until that many
// came back, however TCP cuts them. Same prompts and output as the chapter's Windows client.
import {
  connectionClosed,
  type ErrorCause,
  errorHandling,
  lineInput,
  program,
  runIfMain,
} from "@tcp-katas/shared/cli";
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

/** Ends the program with the reason, and gives Winsock back first (the listing calls another program's handler here). */
function ErrorHandling(message: string, cause: ErrorCause = lastError()): never {
  WSACleanup();
  errorHandling(message, cause);
}

export const main = program(
  { name: "echo-client-win.ts", params: ["<IP>", "<port>"] },
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
    io.stdout.write("Connected..........\n");

    const input = lineInput(io.stdin);
    const message = Buffer.alloc(BUF_SIZE);
    for (;;) {
      io.stdout.write("Input message(Q to quit) : ");
      const line = await input.getline();
      if (line === null) {
        // End of input (Ctrl-Z/Ctrl-D): leave cleanly. On a terminal, end the prompt's line first.
        if ((io.stdin as { isTTY?: boolean }).isTTY) io.stdout.write("\n");
        break;
      }
      if (line === "q" || line === "Q") break;

      // Lengths are byte counts: "안녕" is 6 bytes, not 2 characters.
      const bytes = Buffer.from(line, "utf8");
      // Send while receiving: a long line's echo starts coming back before we finish sending it, and neither
      // side may stall waiting for the other.
      const sending = send(hSocket, bytes, bytes.length, 0);

      const reply = Buffer.alloc(bytes.length);
      let recvLen = 0;
      while (recvLen < bytes.length) {
        const recvCnt = await recv(hSocket, message, Math.min(BUF_SIZE - 1, bytes.length - recvLen), 0);
        if (recvCnt === SOCKET_ERROR) ErrorHandling("recv() error");
        if (recvCnt === 0) ErrorHandling("recv() error", connectionClosed());
        message.copy(reply, recvLen, 0, recvCnt);
        recvLen += recvCnt;
      }
      if ((await sending) === SOCKET_ERROR) ErrorHandling("send() error");
      io.stdout.write(`Message from server : ${reply.toString("utf8")}\n`);
    }
    input.close();
    closesocket(hSocket);
    WSACleanup();
  },
);

runIfMain(import.meta.url, main);

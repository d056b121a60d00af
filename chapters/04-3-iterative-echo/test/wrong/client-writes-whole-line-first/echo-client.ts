// The stream-safe echo client: it knows how many bytes it sent, so it reads until that many came back,
// however TCP cuts them. Same prompts and output as the chapter's client.
import { errorHandling, lineInput, program, runIfMain } from "@tcp-katas/shared/cli";
import {
  AF_INET,
  close,
  connect,
  htons,
  inet_addr,
  lastError,
  PF_INET,
  read,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  write,
} from "@tcp-katas/shared/posix";

const BUF_SIZE = 1024;

export const main = program(
  { name: "echo-client.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    const sock = socket(PF_INET, SOCK_STREAM, 0);
    if (sock === -1) errorHandling("socket() error", lastError());

    const servAddr = sockaddr_in();
    servAddr.sin_family = AF_INET;
    servAddr.sin_addr.s_addr = inet_addr(ip);
    servAddr.sin_port = htons(Number(port));
    if ((await connect(sock, servAddr)) === -1) errorHandling("connect() error", lastError());
    io.stdout.write("Connected.........\n");

    const input = lineInput(io.stdin);
    const message = Buffer.alloc(BUF_SIZE);
    for (;;) {
      io.stdout.write("Input message(Q to quit) : ");
      const line = await input.getline();
      if (line === null) {
        // End of input (Ctrl-D): leave cleanly. On a terminal, end the prompt's line first.
        if ((io.stdin as { isTTY?: boolean }).isTTY) io.stdout.write("\n");
        break;
      }
      if (line === "q" || line === "Q") break;

      // Lengths are byte counts: "안녕" is 6 bytes, not 2 characters.
      const bytes = Buffer.from(line, "utf8");
      // Send while reading: a long line's echo starts coming back before we finish sending it, and neither
      // side may stall waiting for the other.
      // Planted bug: the whole write() is awaited before reading, so a line larger than both sides' socket
      // buffers deadlocks: the server stops reading while its echo is not read.
      if ((await write(sock, bytes, bytes.length)) === -1) errorHandling("write() error", lastError());

      const reply = Buffer.alloc(bytes.length);
      let recvLen = 0;
      while (recvLen < bytes.length) {
        const recvCnt = await read(sock, message, Math.min(BUF_SIZE - 1, bytes.length - recvLen));
        if (recvCnt === -1) errorHandling("read() error", lastError());
        if (recvCnt === 0) {
          errorHandling("read() error", {
            name: "EOF",
            message: "the server closed the connection mid-message",
          });
        }
        message.copy(reply, recvLen, 0, recvCnt);
        recvLen += recvCnt;
      }
      io.stdout.write(`Message from server : ${reply.toString("utf8")}\n`);
    }
    input.close();
    close(sock);
  },
);

runIfMain(import.meta.url, main);

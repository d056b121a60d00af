// The chapter's echo client as its listing writes it: ONE read() per message. It works on a quiet loopback
// and breaks as soon as TCP cuts the reply in pieces: kept here to watch the flaw happen (stage 2).
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
  { name: "echo-client-naive.ts", params: ["<IP>", "<port>"] },
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
      if (line === null || line === "q" || line === "Q") break;

      const bytes = Buffer.from(line, "utf8");
      await write(sock, bytes, bytes.length);
      // An empty line sends nothing, so there is nothing to read back (waiting would block for ever).
      // THE FLAW: one read() is assumed to return the whole echo. TCP promises no such thing.
      const strLen = bytes.length === 0 ? 0 : await read(sock, message, BUF_SIZE - 1);
      if (strLen === -1) errorHandling("read() error", lastError());
      io.stdout.write(`Message from server : ${message.toString("utf8", 0, strLen)}\n`);
    }
    input.close();
    close(sock);
  },
);

runIfMain(import.meta.url, main);

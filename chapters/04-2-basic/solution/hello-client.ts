// The client's four steps: socket → connect → read → close. No bind: connect() picks the local address.
import { errorHandling, program, runIfMain } from "@tcp-katas/shared/cli";
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
} from "@tcp-katas/shared/posix";

export const main = program(
  { name: "hello-client.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    const sock = socket(PF_INET, SOCK_STREAM, 0);
    if (sock === -1) errorHandling("socket() error", lastError());

    const servAddr = sockaddr_in();
    servAddr.sin_family = AF_INET;
    servAddr.sin_addr.s_addr = inet_addr(ip);
    servAddr.sin_port = htons(Number(port));
    if ((await connect(sock, servAddr)) === -1) errorHandling("connect() error", lastError());

    // TCP may hand the greeting over in several pieces: read until the server closes (read returns 0).
    const message = Buffer.alloc(30);
    const received: Buffer[] = [];
    for (;;) {
      const strLen = await read(sock, message, message.length);
      if (strLen === -1) errorHandling("read() error", lastError());
      if (strLen === 0) break;
      received.push(Buffer.from(message.subarray(0, strLen)));
    }
    io.stdout.write(`Message from server : ${Buffer.concat(received).toString("utf8")}\n`);
    close(sock);
  },
);

runIfMain(import.meta.url, main);

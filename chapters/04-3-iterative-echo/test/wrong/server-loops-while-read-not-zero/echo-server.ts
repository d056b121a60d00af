// WRONG ATTEMPT, kept as a regression case (see wrong.json).
// The iterative echo server: accept one client, echo until it leaves, close it, accept the next; five in all.
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
  read,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  write,
} from "@tcp-katas/shared/posix";

const BUF_SIZE = 1024;
const CLIENTS = 5;

export const main = program({ name: "echo-server.ts", params: ["<port>"] }, async ([port], io) => {
  const servSock = socket(PF_INET, SOCK_STREAM, 0);
  if (servSock === -1) errorHandling("socket() error", lastError());

  const servAddr = sockaddr_in();
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servAddr.sin_port = htons(Number(port));
  if ((await bind(servSock, servAddr)) === -1) errorHandling("bind() error", lastError());
  if ((await listen(servSock, 5)) === -1) errorHandling("listen() error", lastError());

  const message = Buffer.alloc(BUF_SIZE);
  const clntAddr = sockaddr_in();
  for (let i = 0; i < CLIENTS; i++) {
    // Clients that connect meanwhile wait in the listen queue; accept() takes the oldest.
    const clntSock = await accept(servSock, clntAddr);
    if (clntSock === -1) errorHandling("accept() error", lastError());
    io.stdout.write(`Connected client ${i + 1}\n`);

    // WRONG (the listing's loop): `!= 0` takes -1 for a length and writes it back after a reset. On Linux it
    // ends by luck (the next read() gives 0), so every client is still served.
    let strLen: number;
    while ((strLen = await read(clntSock, message, BUF_SIZE)) !== 0) {
      await write(clntSock, message, strLen);
    }
    close(clntSock);
  }
  close(servSock);
});

runIfMain(import.meta.url, main);

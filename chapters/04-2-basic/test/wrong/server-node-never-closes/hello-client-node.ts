// The same client in idiomatic node:net: net.connect, then collect every chunk until 'end'.
import { once } from "node:events";
import net from "node:net";

import { errorHandling, nodeErrorCause, program, runIfMain } from "@tcp-katas/shared/cli";

export const main = program(
  { name: "hello-client-node.ts", params: ["<IP>", "<port>"] },
  async ([ip, port], io) => {
    let socket: net.Socket;
    try {
      socket = net.connect({ host: ip, port: Number(port) });
      await once(socket, "connect");
    } catch (err) {
      errorHandling("connect() error", nodeErrorCause(err));
    }
    const chunks: Buffer[] = [];
    try {
      // A readable socket is an async iterable of chunks; the loop ends when the server closes.
      for await (const chunk of socket) chunks.push(chunk as Buffer);
    } catch (err) {
      errorHandling("read() error", nodeErrorCause(err));
    }
    io.stdout.write(`Message from server : ${Buffer.concat(chunks).toString("utf8")}\n`);
  },
);

runIfMain(import.meta.url, main);

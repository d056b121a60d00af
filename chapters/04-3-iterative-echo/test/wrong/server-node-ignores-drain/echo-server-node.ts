// The iterative echo server in idiomatic node:net. Node accepts every connection itself, so the server
// makes the "wait your turn" queue explicit: pauseOnConnect keeps each new socket unread, and the
// connection iterator (attached before listen) hands them out one at a time, in arrival order.
import { on, once } from "node:events";
import net from "node:net";

import { errorHandling, nodeErrorCause, program, runIfMain } from "@tcp-katas/shared/cli";

const CLIENTS = 5;

/** Echoes until the client ends, never letting unsent echoes pile up: a full peer pauses our reading. */
async function echo(socket: net.Socket): Promise<void> {
  for await (const chunk of socket) {
    // Planted bug: write()'s return value is ignored, so echoes pile up in memory without bound.
    socket.write(chunk as Buffer);
  }
}

export const main = program({ name: "echo-server-node.ts", params: ["<port>"] }, async ([port], io) => {
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const everyone = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    everyone.add(socket);
    socket.on("error", () => undefined);
  });
  const connections = on(server, "connection");

  const listening = once(server, "listening");
  server.listen({ port: Number(port), host: "0.0.0.0", backlog: 5 });
  try {
    await listening;
  } catch (err) {
    errorHandling("listen() error", nodeErrorCause(err));
  }

  for (let i = 1; i <= CLIENTS; i++) {
    const next = await connections.next();
    const [socket] = next.value as [net.Socket];
    io.stdout.write(`Connected client ${i}\n`);
    try {
      await echo(socket);
      // Our echoes are all handed on: send FIN, then let the socket go (C's close()).
      await new Promise<void>((resolve) => socket.end(resolve));
    } catch {
      // The client reset or vanished: its turn is over.
    }
    socket.destroy();
    everyone.delete(socket);
  }

  // Like close(serv_sock): stop listening and drop the connections still waiting their turn.
  await connections.return?.();
  server.close();
  for (const waiting of everyone) waiting.resetAndDestroy();
});

runIfMain(import.meta.url, main);

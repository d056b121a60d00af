// The same server in idiomatic node:net: createServer + listen do socket/bind/listen in one go, and Node
// accepts for us ('connection'); end() sends the greeting and our FIN, destroy() then lets the socket go.
import { once } from "node:events";
import net from "node:net";

import { errorHandling, nodeErrorCause, program, runIfMain } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-server-node.ts", params: ["<port>"] }, async ([port]) => {
  const server = net.createServer();
  const listening = once(server, "listening");
  server.listen({ port: Number(port), host: "0.0.0.0", backlog: 5 });
  try {
    await listening;
  } catch (err) {
    errorHandling("listen() error", nodeErrorCause(err));
  }

  // Serve exactly one client, like the C server: stop accepting first, then answer it.
  // Planted bug: the listening server is never closed, so the process never exits.
  const [client] = (await once(server, "connection")) as [net.Socket];
  client.on("error", () => undefined);
  // Wait until the bytes are handed to the OS ('finish'), then release the socket: C's close().
  await new Promise<void>((resolve) => client.end("Hello World!", resolve));
  client.destroy();
});

runIfMain(import.meta.url, main);

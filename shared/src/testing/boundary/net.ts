/**
 * node:net for a bundled program: every server it makes tells the test its port and each connection it takes, as
 * the layers' do. Nothing is patched: only the program's own imports of node:net lead here (see ./bundle.ts).
 */
import net from "node:net";

import { currentContext } from "../../internal/context.ts";

export * from "node:net";

export class Server extends net.Server {
  constructor(...args: unknown[]) {
    super(...(args as [net.ServerOpts, (socket: net.Socket) => void]));
    const { io } = currentContext();
    this.on("listening", () => {
      const address = this.address();
      if (address !== null && typeof address === "object") io.onListening?.(address.port);
    });
    this.on("connection", (socket: net.Socket) => io.onConnection?.(socket));
  }
}

export function createServer(...args: unknown[]): Server {
  return new Server(...args);
}

export default { ...net, Server, createServer };

/**
 * node:net, as a program bundled for the test boundary sees it: the same module, but every server it makes
 * tells the test the port it listens on and each connection it takes (as the posix and winsock layers do for
 * theirs). Nothing is patched: only the bundle's own imports of node:net lead here (see ./bundle.ts).
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

import { connectLocal, listenLocal } from "../net.ts";

/**
 * A port where connect() is refused, for sure: the local port of a connected socket, which stays bound for
 * the test but never listens (the chapter's question 4). Listening on a port and closing it instead races
 * with other test workers, which may be given that port meanwhile.
 */
export async function refusedPort(): Promise<number> {
  const peer = await listenLocal();
  const bound = await connectLocal(peer.port);
  const port = bound.socket.localPort;
  if (port === undefined) throw new Error("The bound socket has no local port.");
  return port;
}

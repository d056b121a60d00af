import { connectLocal, listenLocal } from "@tcp-katas/shared/testing";

/**
 * A port where connect() is refused, for sure: the local port of a connected socket, bound for the whole test
 * but never listening (the chapter's question 4). Listening and closing instead races with other workers.
 */
export async function refusedPort(): Promise<number> {
  const peer = await listenLocal();
  const bound = await connectLocal(peer.port);
  const port = bound.socket.localPort;
  if (port === undefined) throw new Error("The bound socket has no local port.");
  return port;
}

import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

import { registerCleanup } from "./cleanup.ts";
import { listenLocal, LOOPBACK } from "./net.ts";

/** How one direction's bytes are cut and paced. */
export interface Rechunk {
  /** Forward in pieces of at most this many bytes, each its own write. */
  pieceSize?: number;
  /** Wait this long between pieces (so each tends to arrive as its own read). */
  delayMs?: number;
  /** Gather what arrives for this long, then forward it as one write (merges the sender's writes). */
  mergeMs?: number;
}

async function pump(from: net.Socket, to: net.Socket, how: Rechunk): Promise<void> {
  // Not destroyed when its bytes end: a half-closed socket still carries the other direction.
  for await (const first of from.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    if (how.mergeMs) await sleep(how.mergeMs);
    // Each read takes all that has arrived: what came during the merge or the last write goes out with it.
    const rest = from.read() as Buffer | null;
    const data = rest ? Buffer.concat([first, rest]) : first;
    const size = how.pieceSize ?? data.length;
    for (let at = 0; at < data.length; at += size) {
      if (to.destroyed) return;
      await new Promise((resolve) => to.write(data.subarray(at, at + size), resolve));
      if (how.delayMs && at + size < data.length) await sleep(how.delayMs);
    }
  }
  if (!to.destroyed) to.end();
}

/**
 * A TCP proxy on 127.0.0.1 that forwards every byte to `targetPort` and back, but re-cuts the stream: into
 * n-byte pieces, with delays, or merged. TCP allows all of these, so a correct peer must not care. A reset on
 * one side resets the other; a half-close is passed on. Closed when the test ends.
 */
export async function rechunkProxy(
  targetPort: number,
  options: { toServer?: Rechunk; toClient?: Rechunk } = {},
): Promise<{ readonly port: number }> {
  const upstreams: net.Socket[] = [];
  registerCleanup(() => upstreams.forEach((s) => s.destroy()));
  const { port } = await listenLocal((client) => {
    const upstream = net.connect({ host: LOOPBACK, port: targetPort, allowHalfOpen: true });
    upstreams.push(upstream);
    // Each piece must leave at once: with Nagle's algorithm a small write waits for the peer's (delayed) ACK.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const resetBoth = () => {
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    client.on("error", resetBoth);
    upstream.on("error", resetBoth);
    // A reset ends a pump with an error; resetBoth has passed it on.
    pump(client, upstream, options.toServer ?? {}).catch(() => undefined);
    pump(upstream, client, options.toClient ?? {}).catch(() => undefined);
  });
  return { port };
}

/**
 * Tells whoever runs a program the port it listens on, without touching its output: node:net has no
 * 'listen' diagnostics channel on Node 20, so Server#emit('listening') is wrapped once. The event fires in
 * the async context of the program that created the server, so it reaches that program's io.onListening
 * (tests in-process) or, in a child process started by the test helpers, the parent over IPC.
 */
import net from "node:net";

import { currentContext } from "./context.ts";

const reportOverIpc = process.env.TCP_KATAS_IPC === "1" && typeof process.send === "function";
if (reportOverIpc) process.channel?.unref();

const HOOKED = Symbol.for("tcp-katas.listen-hook");
const quiet = new WeakSet<net.Server>();

/** A server that listens only for a moment (bind()'s check that a port is free) is not reported. */
export function quietServer(server: net.Server): net.Server {
  quiet.add(server);
  return server;
}
type Hookable = typeof net.Server.prototype & { [HOOKED]?: true };

const proto = net.Server.prototype as Hookable;
if (!proto[HOOKED]) {
  proto[HOOKED] = true;
  // Called below with the right `this` through Reflect.apply.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = proto.emit;
  proto.emit = function (this: net.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "listening" && !quiet.has(this)) {
      const address = this.address();
      if (address && typeof address === "object") {
        currentContext().io.onListening?.(address.port);
        if (reportOverIpc) process.send?.({ type: "listening", port: address.port });
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof proto.emit;
}

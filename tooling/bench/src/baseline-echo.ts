// The baseline: the plainest correct node:net echo server. With "--chunk N" it echoes in N-byte writes, as the
// listings' BUF_SIZE loop does, which separates the cost of small writes from the cost of the C-shaped layers.
import { once } from "node:events";
import net from "node:net";

const chunk = process.argv.includes("--chunk")
  ? Number(process.argv[process.argv.indexOf("--chunk") + 1])
  : 0;

const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  socket.on("error", () => socket.destroy());
  if (!chunk) {
    socket.pipe(socket); // pipe keeps backpressure
    return;
  }
  void (async () => {
    for await (const data of socket) {
      const buf = data as Buffer;
      for (let at = 0; at < buf.length; at += chunk) {
        if (!socket.write(buf.subarray(at, at + chunk))) await once(socket, "drain");
      }
    }
    socket.end();
  })().catch(() => socket.destroy());
});
server.listen(0, "0.0.0.0", () => {
  const { port } = server.address() as net.AddressInfo;
  process.send?.({ type: "listening", port });
  process.channel?.unref();
});

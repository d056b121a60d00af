// Stage 1: the iterative echo server, with @tcp-katas/shared/posix. See README.md, "Stage 1".
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server.ts", params: ["<port>"] }, async ([port]) => {
  // socket → bind (INADDR_ANY, htons(port)) → listen(…, 5), each checked with errorHandling("… error", lastError())
  // then five times: accept → print "Connected client N\n" on io.stdout → read/write until read() returns 0 or -1 → close
  // then close the listening socket.
  todo(`stage 1: echo-server.ts: serve 5 clients one at a time on port ${port}`);
});

runIfMain(import.meta.url, main);

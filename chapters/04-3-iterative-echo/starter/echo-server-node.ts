// Stage 4: the iterative echo server in idiomatic node:net.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "echo-server-node.ts", params: ["<port>"] }, async ([port]) => {
  // net.createServer({ pauseOnConnect: true, allowHalfOpen: true }); take connections one at a time from
  // events.on(server, "connection") (attached before listen); echo each with for await, awaiting 'drain'
  // when write() returns false; end it; after 5 clients close the server and drop whoever still waits.
  todo(`stage 4: echo-server-node.ts: the iterative server with node:net on port ${port}`);
});

runIfMain(import.meta.url, main);

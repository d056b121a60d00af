// Q6 asks getsockname() about the server's socket after connect(): a port above 0 all the same, but not the
// client's. The other experiments are the solution's (a name declared here takes the place of `export *`'s).
import {
  AF_INET,
  bind,
  close,
  connect,
  getsockname,
  htons,
  inet_addr,
  listen,
  ntohs,
  PF_INET,
  SOCK_STREAM,
  sockaddr_in,
  socket,
} from "@tcp-katas/shared/posix";

export * from "../../../solution/experiments.ts";

function portOf(sock: number): number {
  const addr = sockaddr_in();
  getsockname(sock, addr);
  return ntohs(addr.sin_port);
}

export async function clientPortBeforeAndAfterConnect(): Promise<{ before: number; after: number }> {
  const target = sockaddr_in();
  target.sin_family = AF_INET;
  target.sin_addr.s_addr = inet_addr("127.0.0.1");
  target.sin_port = htons(0);
  const server = socket(PF_INET, SOCK_STREAM, 0);
  await bind(server, target);
  await listen(server, 5);
  const client = socket(PF_INET, SOCK_STREAM, 0);
  const before = portOf(client);
  target.sin_port = htons(portOf(server));
  await connect(client, target);
  const after = portOf(server);
  close(client);
  close(server);
  return { before, after };
}

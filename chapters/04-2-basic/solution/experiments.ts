// Review questions 4-6, answered by experiment rather than by memory. Each function runs a tiny server and
// client on 127.0.0.1 and returns what it observed; the tests check the observation.
import {
  accept,
  AF_INET,
  bind,
  close,
  connect,
  errno,
  errnoName,
  getsockname,
  htons,
  inet_addr,
  listen,
  ntohs,
  PF_INET,
  read,
  SOCK_STREAM,
  sockaddr_in,
  socket,
  write,
} from "@tcp-katas/shared/posix";

/** A sockaddr_in for 127.0.0.1:port. */
function loopback(port: number) {
  const addr = sockaddr_in();
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = inet_addr("127.0.0.1");
  addr.sin_port = htons(port);
  return addr;
}

/** The port a socket is bound to. */
function portOf(sock: number): number {
  const addr = sockaddr_in();
  getsockname(sock, addr);
  return ntohs(addr.sin_port);
}

/** Q4: a server that is bound but not listening. What error does a client's connect() get? */
export async function connectBeforeListen(): Promise<string> {
  const server = socket(PF_INET, SOCK_STREAM, 0);
  await bind(server, loopback(0));
  const client = socket(PF_INET, SOCK_STREAM, 0);
  const result = await connect(client, loopback(portOf(server)));
  const observed = result === -1 ? errnoName(errno()) : "connected";
  close(client);
  close(server);
  return observed;
}

/** Q4/Q5: after listen(), what does connect() return, though the server never calls accept()? */
export async function connectWithoutAccept(): Promise<number> {
  const server = socket(PF_INET, SOCK_STREAM, 0);
  await bind(server, loopback(0));
  await listen(server, 5);
  const client = socket(PF_INET, SOCK_STREAM, 0);
  const result = await connect(client, loopback(portOf(server)));
  close(client);
  close(server);
  return result;
}

/**
 * Q5: n clients connect one after another and each sends "client i" while nobody accepts. Then the server
 * accepts n times. What did each accepted connection send, in the order accept() returned them?
 */
export async function acceptOrder(n: number): Promise<string[]> {
  const server = socket(PF_INET, SOCK_STREAM, 0);
  await bind(server, loopback(0));
  await listen(server, n);
  const port = portOf(server);
  const clients: number[] = [];
  for (let i = 1; i <= n; i++) {
    const client = socket(PF_INET, SOCK_STREAM, 0);
    await connect(client, loopback(port));
    const hello = Buffer.from(`client ${i}`);
    await write(client, hello, hello.length);
    clients.push(client);
  }
  const seen: string[] = [];
  const buf = Buffer.alloc(64);
  for (let i = 0; i < n; i++) {
    const conn = await accept(server);
    const len = await read(conn, buf, buf.length);
    seen.push(buf.toString("utf8", 0, Math.max(0, len)));
    close(conn);
  }
  for (const client of clients) close(client);
  close(server);
  return seen;
}

/** Q6: a client never calls bind(). What is its local port before connect(), and after? */
export async function clientPortBeforeAndAfterConnect(): Promise<{ before: number; after: number }> {
  const server = socket(PF_INET, SOCK_STREAM, 0);
  await bind(server, loopback(0));
  await listen(server, 5);
  const client = socket(PF_INET, SOCK_STREAM, 0);
  const before = portOf(client);
  await connect(client, loopback(portOf(server)));
  const after = portOf(client);
  close(client);
  close(server);
  return { before, after };
}

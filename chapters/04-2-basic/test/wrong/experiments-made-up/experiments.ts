// Review questions 4-6, answered by experiment rather than by memory. Each function runs a tiny server and
// client on 127.0.0.1 and returns what it observed; the tests check the observation.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";

import {
  accept,
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
  // Remembered, not observed: the answer is right, the experiment never ran.
  return "ECONNREFUSED";
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
  // Made-up numbers that look like the real ones.
  return { before: 0, after: 54321 };
}

/**
 * The server that connectsBeyondBacklog's child process runs (plain JavaScript, for `node -e`): listen with the
 * backlog, report the port, then hold the event loop so that nobody accepts. It holds in short waits and stops
 * early if its parent is gone, so it never outlives an experiment that was killed before it could clean up.
 */
const HOLDING_SERVER = `
const net = require("node:net");
const [backlog, holdMs, parent] = process.argv.slice(1).map(Number);
// The parent's pid comes as an argument: it may be gone before this code runs. An orphan is adopted at once on
// POSIX (its ppid changes), while its dead parent may linger as a zombie that kill(pid, 0) still finds; Windows
// adopts no one, and there kill(pid, 0) is the test.
const parentAlive = () => {
  if (process.ppid !== parent) return false;
  try { process.kill(parent, 0); return true; } catch { return false; }
};
const server = net.createServer();
server.listen({ port: 0, host: "127.0.0.1", backlog }, () => {
  process.stdout.write(server.address().port + "\\n", () => {
    const until = Date.now() + holdMs;
    const slot = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < until && parentAlive()) Atomics.wait(slot, 0, 0, 100);
    process.exit(0);
  });
});
`;

/** How long the child holds its event loop at most: far longer than the parent watches. */
const HOLD_MS = 10_000;
/** The parent watches the connects until no new one completed for QUIET_MS, and never longer than WATCH_MS. */
const QUIET_MS = 300;
const WATCH_MS = 1_500;

/**
 * Q5, on a real kernel: a server listens with `backlog` and never accepts; `clients` connects start at once.
 * How many completed, how many are still waiting, how many were refused?
 *
 * The posix layer cannot show this: Node accepts every connection itself while its event loop runs, so the layer's
 * queue never fills. Here the server is plain node:net in a child process whose event loop is held, so the
 * kernel's own accept queue fills, and the clients are plain node:net sockets in this process.
 * `backlog` must be 1 or more: Node reads a backlog of 0 as "use the default" (511).
 */
export async function connectsBeyondBacklog(
  backlog: number,
  clients: number,
): Promise<{ completed: number; waiting: number; refused: number }> {
  const child = spawn(
    process.execPath,
    ["-e", HOLDING_SERVER, String(backlog), String(HOLD_MS), String(process.pid)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const sockets: net.Socket[] = [];
  try {
    const port = await firstLineOf(child);
    let completed = 0;
    let refused = 0;
    for (let i = 0; i < clients; i++) {
      const sock = net.connect({ host: "127.0.0.1", port });
      let settled = false;
      sock.once("connect", () => {
        settled = true;
        completed++;
      });
      // Linux (and macOS) answer a connect beyond a full queue with silence; Windows with a reset, which
      // Node reports as ECONNREFUSED. An error after the connect completed is not a refusal.
      sock.on("error", () => {
        if (!settled) refused++;
        settled = true;
      });
      sockets.push(sock);
    }
    // A connect the kernel put in the queue completes within a moment on loopback. One it dropped is retried
    // about a second later and dropped again, since the queue stays full: watching longer would not change it.
    const started = Date.now();
    let seen = -1;
    while (seen !== completed + refused && completed + refused < clients && Date.now() - started < WATCH_MS) {
      seen = completed + refused;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
      // Let the events that are already due run before judging, in case this loop was itself held up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { completed, waiting: clients - completed - refused, refused };
  } finally {
    for (const sock of sockets) sock.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
  }
}

/** The port the child printed on its first line; an error if the child ended or failed first. */
function firstLineOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\n");
      if (end === -1) return;
      settle();
      resolve(Number(text.slice(0, end)));
    };
    const onExit = (code: number | null) => {
      settle();
      reject(new Error(`the listening child exited (${code}) before it reported its port`));
    };
    const onError = (err: Error) => {
      settle();
      reject(err);
    };
    const settle = () => {
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

// Stage 3: answer review questions 4-6 by experiment. Each function sets up a tiny server and client on
// 127.0.0.1 and returns what it observed: the first four with the posix layer ("@tcp-katas/shared/posix", which
// also has getsockname, ntohs, errno and errnoName). Stage 4, a bonus: connectsBeyondBacklog, with node:net and a
// child process. See README.md (한국어: README.ko.md), "Stage 3: review questions 4-6, by experiment" and "Stage 4".
import { todo } from "@tcp-katas/shared/cli";

/** Q4: a server that is bound but not listening. What error does a client's connect() get? (its errno name) */
export async function connectBeforeListen(): Promise<string> {
  todo(
    "stage 3: connectBeforeListen: bind a server without listen(), connect a client, return errnoName(errno())",
  );
}

/** Q4/Q5: after listen(), what does connect() return, though the server never calls accept()? */
export async function connectWithoutAccept(): Promise<number> {
  todo(
    "stage 3: connectWithoutAccept: bind + listen, connect a client (no accept), return what connect() returned",
  );
}

/**
 * Q5: n clients connect one after another and each sends "client i" while nobody accepts. Then the server
 * accepts n times. What did each accepted connection send, in the order accept() returned them?
 */
export async function acceptOrder(n: number): Promise<string[]> {
  todo(`stage 3: acceptOrder: connect ${n} clients that each write "client i", then accept and read each`);
}

/** Q6: a client never calls bind(). What is its local port before connect(), and after? */
export async function clientPortBeforeAndAfterConnect(): Promise<{ before: number; after: number }> {
  todo(
    "stage 3: clientPortBeforeAndAfterConnect: getsockname() the client's socket before and after connect()",
  );
}

/**
 * Q5, on a real kernel: a server listens with `backlog` and never accepts; `clients` connects start at once.
 * How many completed, how many are still waiting, how many were refused? See README.md, "Stage 4: Q5 on a real
 * kernel".
 */
export async function connectsBeyondBacklog(
  backlog: number,
  clients: number,
): Promise<{ completed: number; waiting: number; refused: number }> {
  todo(
    `stage 4: connectsBeyondBacklog: a child process listens with backlog ${backlog} and holds its event loop; start ${clients} connects at once and count them`,
  );
}

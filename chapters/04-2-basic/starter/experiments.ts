// Stage 3: answer review questions 4-6 by experiment. Each function sets up a tiny server and client on
// 127.0.0.1 and returns what it observed: the first four with the posix layer ("@tcp-katas/shared/posix", which
// also has getsockname, ntohs, errno and errnoName). Stage 4, a bonus: connectsBeyondBacklog, with node:net and a
// child process. See README.md (한국어: README.ko.md), "Stage 3: review questions 4-6, by experiment" and "Stage 4".
import { todo } from "@tcp-katas/shared/cli";

/** Q4: a server that is bound but not listening. What error does a client's connect() get? (its errno name) */
export async function connectBeforeListen(): Promise<string> {
  todo(
    "stage 3: connectBeforeListen: bind a server without listen(), connect a client, return errnoName(errno())",
    "3단계: connectBeforeListen: 서버 소켓을 listen() 없이 bind만 하고, 클라이언트로 connect 한 뒤 errnoName(errno())를 반환하세요",
  );
}

/** Q4/Q5: after listen(), what does connect() return, though the server never calls accept()? */
export async function connectWithoutAccept(): Promise<number> {
  todo(
    "stage 3: connectWithoutAccept: bind + listen, connect a client (no accept), return what connect() returned",
    "3단계: connectWithoutAccept: bind와 listen을 하고 클라이언트로 connect 한 뒤(accept는 하지 않음) connect()의 반환값을 반환하세요",
  );
}

/**
 * Q5: n clients connect one after another and each sends "client i" while nobody accepts. Then the server
 * accepts n times. What did each accepted connection send, in the order accept() returned them?
 */
export async function acceptOrder(n: number): Promise<string[]> {
  todo(
    `stage 3: acceptOrder: connect ${n} clients that each write "client i", then accept and read each`,
    `3단계: acceptOrder: 클라이언트 ${n}개를 connect 해 각자 "client i"를 write 하게 한 뒤, 하나씩 accept 해서 read 하세요`,
  );
}

/** Q6: a client never calls bind(). What is its local port before connect(), and after? */
export async function clientPortBeforeAndAfterConnect(): Promise<{ before: number; after: number }> {
  todo(
    "stage 3: clientPortBeforeAndAfterConnect: getsockname() the client's socket before and after connect()",
    "3단계: clientPortBeforeAndAfterConnect: connect() 전과 후에 클라이언트 소켓을 getsockname() 하세요",
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
    `4단계: connectsBeyondBacklog: 자식 프로세스가 backlog ${backlog}로 listen 하고 이벤트 루프를 붙잡아 두는 동안, connect ${clients}개를 한꺼번에 시작해 성공한 수를 세세요`,
  );
}

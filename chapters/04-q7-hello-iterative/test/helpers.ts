// What q7's test files share: waits over the server's live call trace, the two layers' names for the same calls
// (posix: close(), a descriptor, -1; winsock: closesocket(), a SOCKET, INVALID_SOCKET), and the checks of Winsock's
// discipline. No expectation of its own: each test says what it checks.
import {
  connectLocal,
  countCalls,
  describeTrace,
  type ProgramFile,
  type ProgramRun,
  RunFailed,
  type StartedServer,
  startServer,
  t,
  type TestClient,
  type Texts,
  type TraceEvent,
} from "@tcp-katas/shared/testing";
import { INVALID_SOCKET } from "@tcp-katas/shared/winsock";
import { expect } from "vitest";

export const GREETING = "Hello World!";

/** `Connected client 1\n` ... `Connected client n\n`: the server's whole stdout after n clients. */
export const connectedLines = (n: number): string =>
  Array.from({ length: n }, (_, i) => `Connected client ${i + 1}\n`).join("");

/** The calls, readable, for the end of a failure message. */
export const yourCalls = (trace: readonly TraceEvent[]): string =>
  `\n${t({ en: "Your calls", ko: "내 프로그램의 호출" })}: ${describeTrace(trace)}`;

/** What differs between the posix and winsock servers of q7: the name of the close call, of a socket, of a failure. */
export interface Layer {
  /** The call that closes a socket: close() (posix) or closesocket() (winsock). */
  readonly close: "close" | "closesocket";
  /** The call that sends the greeting: write() (posix) or send() (winsock). */
  readonly send: "write" | "send";
  /** What accept() returns when it fails: -1 (posix) or INVALID_SOCKET (winsock). */
  readonly invalid: number;
  /** What a socket is called in messages: a socket (a descriptor) or a SOCKET. */
  readonly socket: Texts;
}

export const POSIX: Layer = {
  close: "close",
  send: "write",
  invalid: -1,
  socket: { en: "socket", ko: "소켓" },
};
export const WINSOCK: Layer = {
  close: "closesocket",
  send: "send",
  invalid: INVALID_SOCKET,
  socket: { en: "SOCKET", ko: "SOCKET" },
};

/** How many clients the server has accepted (accept() calls that gave a socket). */
export const accepted = (run: ProgramRun, layer: Layer = WINSOCK): number =>
  run.trace.filter((e) => e.call === "accept" && e.result !== layer.invalid).length;

/**
 * Checks that the server closed client n's socket (close() or closesocket(), as its layer names it) before it went
 * on: waits until it has moved on (it waits in the next accept(), has accepted the next client, or has ended),
 * then reads its trace. A server that never closes the socket fails here at once, naming the call, instead of
 * leaving the client to wait for an end that never comes.
 */
export async function expectClientClosed(
  server: ProgramRun,
  n: number,
  layer: Layer = WINSOCK,
): Promise<void> {
  const { close, send } = layer;
  const sock = layer.socket;
  await server.waitUntil(
    t({
      en: `your server to be done with client ${n} (${send}() the greeting, ${close}() its ${sock.en}, the next accept())`,
      ko: `내 서버가 클라이언트 ${n}의 처리를 끝내는 것(인사말 ${send}(), 그 ${sock.ko}에 ${close}(), 다음 accept())`,
    }),
    () =>
      !server.running ||
      accepted(server, layer) > n ||
      (accepted(server, layer) === n && server.blockedIn?.call === "accept"),
  );
  const trace = server.trace;
  const accepts = trace.flatMap((e, i) => (e.call === "accept" && e.result !== layer.invalid ? [i] : []));
  const at = accepts[n - 1];
  if (at === undefined) {
    // It ended before it accepted client n: its exit code, the connections it took and its output say why.
    throw (
      server.whyNot(
        t({ en: `your server to accept client ${n}`, ko: `내 서버가 ${n}번째 클라이언트를 accept 하는 것` }),
      ) ?? new Error(`accept ${n}`)
    );
  }
  const fd = trace[at]?.result;
  const closed = trace
    .slice(at + 1, accepts[n] ?? trace.length)
    .some((e) => e.call === close && e.fd === fd && e.result === 0);
  if (closed) return;
  throw new Error(
    (layer === POSIX
      ? t({
          en: `Your server went on without closing client ${n}'s socket ${fd}: call close(clntSock) once its greeting is written, before the next accept(). Until then the client waits for the end of the connection.`,
          ko: `내 서버가 클라이언트 ${n}의 소켓을 닫지 않고 다음으로 넘어갔습니다(소켓 ${fd}). 인사말을 write 한 뒤 다음 accept() 전에 close(clntSock)를 호출하세요. 그때까지 클라이언트는 끝나지 않는 연결 종료를 기다립니다.`,
        })
      : t({
          en: `Your server went on without closing client ${n}'s SOCKET ${fd}: call closesocket(hClntSock) once its greeting is sent, before the next accept(). Until then the client waits for the end of the connection. (Winsock closes a SOCKET with closesocket(), not close().)`,
          ko: `내 서버가 클라이언트 ${n}의 SOCKET을 닫지 않고 다음으로 넘어갔습니다(SOCKET ${fd}). 인사말을 보낸 뒤 다음 accept() 전에 closesocket(hClntSock)을 호출하세요. 그때까지 클라이언트는 끝나지 않는 연결 종료를 기다립니다. (Winsock에서 SOCKET은 close()가 아니라 closesocket()으로 닫습니다.)`,
        })) + yourCalls(trace),
  );
}

/** What a client waits for once its server has closed its socket, in its layer's words. */
export const SERVER_CLOSES = (layer: Layer = WINSOCK): string =>
  layer === POSIX
    ? t({
        en: "the server to close the connection (does it close() the client's socket once the greeting is written?)",
        ko: "서버의 연결 종료(인사말을 write 한 뒤 클라이언트 소켓을 close() 하나요?)",
      })
    : t({
        en: "the server to close the connection (does it closesocket() the client's SOCKET once the greeting is sent?)",
        ko: "서버의 연결 종료(인사말을 보낸 뒤 클라이언트 SOCKET을 closesocket() 하나요?)",
      });

export const THE_SERVER: Texts = { en: "your server", ko: "내 서버" };
export const THE_CLIENT: Texts = { en: "your client", ko: "내 클라이언트" };

/**
 * Winsock's discipline over a whole run: WSAStartup is the first call, no call was refused with
 * WSANOTINITIALISED (made before WSAStartup or after WSACleanup), one WSACleanup per WSAStartup, and
 * WSACleanup is the last call.
 */
export function expectDiscipline(trace: readonly TraceEvent[], who: Texts): void {
  expect(
    trace[0]?.call,
    t({ en: `${who.en}'s first Winsock call`, ko: `${who.ko}의 첫 Winsock 호출` }) + yourCalls(trace),
  ).toBe("WSAStartup");
  expect(
    trace.filter((e) => e.error === "WSANOTINITIALISED").map((e) => e.call),
    t({
      en: `${who.en}'s calls refused with WSANOTINITIALISED (made before WSAStartup or after WSACleanup)`,
      ko: `${who.ko}의 호출 중 WSANOTINITIALISED로 거절된 호출(WSAStartup 전이나 WSACleanup 뒤에 한 호출)`,
    }) + yourCalls(trace),
  ).toEqual([]);
  expect(
    countCalls(trace, "WSACleanup"),
    t({
      en: `${who.en}: WSACleanup calls, one per WSAStartup`,
      ko: `${who.ko}: WSACleanup 호출 횟수(WSAStartup 한 번에 한 번)`,
    }) + yourCalls(trace),
  ).toBe(countCalls(trace, "WSAStartup"));
  expect(
    trace.at(-1)?.call,
    t({ en: `${who.en}'s last Winsock call`, ko: `${who.ko}의 마지막 Winsock 호출` }) + yourCalls(trace),
  ).toBe("WSACleanup");
}

/**
 * Fails if the server has ended, with its exit code, the connections it took and its output: it must serve
 * for ever. Called once it has moved on past its last client (expectClientClosed), so it waits in accept().
 */
export function expectStillServing(server: ProgramRun, next: number): void {
  const gone = server.whyNot(
    t({
      en: `your server to wait in accept() for client ${next}`,
      ko: `내 서버가 accept()에서 ${next}번째 클라이언트를 기다리는 것`,
    }),
  );
  if (gone) throw gone;
}

/**
 * After a refused connection: a server that has just ended closed its listening socket a moment before the
 * test hears of its exit, so this waits for that news (2 s at most), then says that it exited (its code, the
 * connections it took, its output) instead of a bare ECONNREFUSED.
 */
async function refused(server: ProgramRun, port: number, err: unknown): Promise<never> {
  if (err instanceof RunFailed) throw err;
  const what = t({ en: `a connection to port ${port}`, ko: `${port}번 포트로의 연결` });
  await server.waitUntil(what, () => !server.running, 2_000).catch(() => undefined);
  throw server.whyNot(what) ?? err;
}

/** startServer(file), whose connect() says so when the server has exited, even a moment ago. */
export async function startHelloServer(file: ProgramFile): Promise<StartedServer> {
  const started = await startServer(file);
  const connect = () => started.connect().catch((err: unknown) => refused(started.run, started.port, err));
  return { ...started, connect };
}

/** A test client connected to a server run as a process, with the same report when the server has exited. */
export async function connectTo(server: ProgramRun, port: number): Promise<TestClient> {
  const gone = server.whyNot(t({ en: `a connection to port ${port}`, ko: `${port}번 포트로의 연결` }));
  if (gone) throw gone;
  return connectLocal(port).catch((err: unknown) => refused(server, port, err));
}

// What 04-4's test files share: the client's transcript, waits over the server's live call trace, and the
// checks of Winsock's discipline. No expectation of its own: each test says what it checks.
import {
  countCalls,
  describeTrace,
  expectBytes,
  type ProgramRun,
  t,
  type TestClient,
  type TraceEvent,
} from "@tcp-katas/shared/testing";
import { INVALID_SOCKET } from "@tcp-katas/shared/winsock";
import { expect } from "vitest";

/** The client's banner: ten dots, as the Windows listing prints it (04-3's has nine). */
export const BANNER = "Connected..........";
export const PROMPT = "Input message(Q to quit) : ";

/** What the client prints for a piped session: the banner, then a prompt and the reply for each line. */
export function clientTranscript(lines: readonly string[]): string {
  let out = `${BANNER}\n`;
  for (const line of lines) out += `${PROMPT}Message from server : ${line}\n`;
  return out + PROMPT;
}

/** `Connected client 1\n` ... `Connected client n\n`: the server's whole stdout after n clients. */
export const connectedLines = (n: number): string =>
  Array.from({ length: n }, (_, i) => `Connected client ${i + 1}\n`).join("");

/** One round trip: send, then wait for exactly that many bytes back, and compare them. */
export async function roundTrip(client: TestClient, text: string | Buffer): Promise<void> {
  const before = client.received.length;
  const bytes = Buffer.from(text);
  await client.send(bytes);
  const shown = JSON.stringify(String(text).slice(0, 20));
  const all = await client.waitForBytes(
    before + bytes.length,
    t({ en: `the echo of ${shown}`, ko: `${shown}의 에코` }),
  );
  expectBytes(all.subarray(before), bytes, t({ en: "The echo", ko: "돌아온 에코" }));
}

const succeededAccepts = (trace: readonly TraceEvent[]) =>
  trace.filter((e) => e.call === "accept" && e.result !== INVALID_SOCKET);

/**
 * Checks that the server closed client n's SOCKET with closesocket() before it went on: waits until it has
 * moved on (it waits in the next accept(), has accepted the next client, or has ended), then reads its trace.
 * A server that never closes the SOCKET fails here at once, naming closesocket(), instead of leaving the
 * client to wait for an end that never comes.
 */
export async function expectClientClosed(server: ProgramRun, n: number): Promise<void> {
  await server.waitUntil(
    t({
      en: `your server to be done with client ${n} (recv() returning 0, closesocket() on its SOCKET, the next accept())`,
      ko: `내 서버가 클라이언트 ${n}의 처리를 끝내는 것(recv()가 0을 반환, 그 SOCKET에 closesocket(), 다음 accept())`,
    }),
    () => {
      const accepted = succeededAccepts(server.trace).length;
      return !server.running || accepted > n || (accepted === n && server.blockedIn?.call === "accept");
    },
  );
  const trace = server.trace;
  const accepts = trace.flatMap((e, i) => (e.call === "accept" && e.result !== INVALID_SOCKET ? [i] : []));
  const at = accepts[n - 1];
  if (at === undefined) return; // it ended before it accepted client n: the caller's next wait says so
  const sock = trace[at]?.result;
  const until = accepts[n] ?? trace.length;
  const closed = trace
    .slice(at + 1, until)
    .some((e) => e.call === "closesocket" && e.fd === sock && e.result === 0);
  if (closed) return;
  throw new Error(
    `${t({
      en: `Your server went on without closing client ${n}'s SOCKET ${sock}: call closesocket(hClntSock) once that client is done (recv() returned 0 or SOCKET_ERROR), before the next accept(). Until then the client waits for the end of the connection. (Winsock closes a SOCKET with closesocket(), not close().)`,
      ko: `내 서버가 클라이언트 ${n}의 SOCKET을 닫지 않고 다음으로 넘어갔습니다(SOCKET ${sock}). 그 클라이언트의 처리가 끝나면(recv()가 0 또는 SOCKET_ERROR를 반환하면) 다음 accept() 전에 closesocket(hClntSock)을 호출하세요. 그때까지 클라이언트는 끝나지 않는 연결 종료를 기다립니다. (Winsock에서 SOCKET은 close()가 아니라 closesocket()으로 닫습니다.)`,
    })}\n${t({ en: "Your calls", ko: "내 프로그램의 호출" })}: ${describeTrace(trace)}`,
  );
}

/** What a client waits for once its server has closed its SOCKET, in Winsock's words. */
export const SERVER_CLOSES = (): string =>
  t({
    en: "the server to close the connection (does it closesocket() the client's SOCKET once that client is done?)",
    ko: "서버의 연결 종료(그 클라이언트와의 일이 끝나면 클라이언트 SOCKET을 closesocket() 하나요?)",
  });

/**
 * Client n leaves (FIN) and waits until the server closes its side: the server's closesocket() is checked in
 * its trace first, so a server that never closes fails at once, naming it. Returns what the client received.
 */
export async function leave(server: ProgramRun, client: TestClient, n: number): Promise<Buffer> {
  client.end();
  await expectClientClosed(server, n);
  return client.waitForEnd(SERVER_CLOSES());
}

/**
 * Winsock's discipline over a whole run: WSAStartup is the first call, no call was refused with
 * WSANOTINITIALISED (made before WSAStartup or after WSACleanup), one WSACleanup per WSAStartup, and
 * WSACleanup is the last call.
 */
export function expectDiscipline(trace: readonly TraceEvent[], who: { en: string; ko: string }): void {
  const calls = `\n${t({ en: "Your calls", ko: "내 프로그램의 호출" })}: ${describeTrace(trace)}`;
  expect(
    trace[0]?.call,
    t({ en: `${who.en}'s first Winsock call`, ko: `${who.ko}의 첫 Winsock 호출` }) + calls,
  ).toBe("WSAStartup");
  expect(
    trace.filter((e) => e.error === "WSANOTINITIALISED").map((e) => e.call),
    t({
      en: `${who.en}'s calls refused with WSANOTINITIALISED (made before WSAStartup or after WSACleanup)`,
      ko: `${who.ko}의 호출 중 WSANOTINITIALISED로 거절된 호출(WSAStartup 전이나 WSACleanup 뒤에 한 호출)`,
    }) + calls,
  ).toEqual([]);
  expect(
    countCalls(trace, "WSACleanup"),
    t({
      en: `${who.en}: WSACleanup calls, one per WSAStartup`,
      ko: `${who.ko}: WSACleanup 호출 횟수(WSAStartup 한 번에 한 번)`,
    }) + calls,
  ).toBe(countCalls(trace, "WSAStartup"));
  expect(
    trace.at(-1)?.call,
    t({ en: `${who.en}'s last Winsock call`, ko: `${who.ko}의 마지막 Winsock 호출` }) + calls,
  ).toBe("WSACleanup");
}

export const THE_SERVER = { en: "your server", ko: "내 서버" } as const;
export const THE_CLIENT = { en: "your client", ko: "내 클라이언트" } as const;

/** Floods `client` with `total` bytes in 64 KiB writes, none awaited (the client never reads its echoes). */
export function flood(client: TestClient, total: number): void {
  const piece = Buffer.alloc(64 * 1024, 0x78);
  for (let at = 0; at < total; at += piece.length) client.socket.write(piece);
}

/**
 * Waits until the server stops taking a client's bytes because the client does not read its echoes: the
 * server is then blocked in send() (the layer says where a program waits), so it reads no more. Fails at once
 * if the client's whole flood was taken ('drain': nothing left queued on the client), and at the deadline if
 * the server never waits in send().
 */
export async function waitForSendToBlock(
  server: ProgramRun,
  client: TestClient,
  sent: number,
): Promise<void> {
  let onDrain: (() => void) | undefined;
  const drained = new Promise<never>((_, reject) => {
    onDrain = () =>
      reject(
        new Error(
          t({
            en: `Your server took all ${sent} bytes from a client that never read its echoes: it buffers without bound. Await each send(): it waits while the client does not read.`,
            ko: `에코를 전혀 읽지 않는 클라이언트가 보낸 ${sent}바이트를 내 서버가 모두 받아 갔습니다. 끝없이 버퍼에 쌓고 있다는 뜻입니다. send()를 매번 await 하세요. 클라이언트가 읽지 않는 동안 send()는 기다립니다.`,
          }),
        ),
      );
    client.socket.once("drain", onDrain);
  });
  drained.catch(() => undefined);
  try {
    await Promise.race([
      server.waitUntil(
        t({
          en: "your server to wait in send() for a client that does not read its echoes",
          ko: "에코를 읽지 않는 클라이언트 때문에 내 서버가 send()에서 기다리는 것",
        }),
        () => server.blockedIn?.call === "send",
      ),
      drained,
    ]);
  } finally {
    if (onDrain) client.socket.off("drain", onDrain);
  }
}

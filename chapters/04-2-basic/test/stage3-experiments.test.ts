// Stage 3: review questions 4-6, answered by experiments that run, not from memory. experiments.ts exports one
// function per question; each sets up its own server and client sockets on 127.0.0.1, returns what it saw, and
// closes every socket it opened. The tests check the answer and the calls that produced it.
import {
  countCalls,
  expectAllClosed,
  expectCallOrder,
  load,
  t,
  type Traced,
  tracedCall,
} from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Experiments = typeof import("../solution/experiments.ts");
const experiments = load<Experiments>(program("experiments.ts"));

/** Runs one experiment as a program of its own, with the calls it made and what it left open. */
async function observe<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: A
): Promise<Traced<Awaited<R>>> {
  const observed = await tracedCall(fn, ...args);
  if (!observed) throw new Error("an experiment must be an export of experiments.ts");
  return observed;
}

describe(
  t({ en: "stage 3: review questions 4-6, by experiment", ko: "3단계: 내용 확인문제 4-6, 실험으로 답하기" }),
  () => {
    it(
      t({
        en: "Q4: connect() to a socket that is bound but not listening is refused (ECONNREFUSED)",
        ko: "Q4: bind만 하고 listen 하지 않은 소켓으로의 connect()는 거절된다(ECONNREFUSED)",
      }),
      async () => {
        const { result, trace } = await observe(experiments.connectBeforeListen);
        expect(result, t({ en: "the errno name connect() set", ko: "connect()가 설정한 errno 이름" })).toBe(
          "ECONNREFUSED",
        );
        expect(
          countCalls(trace, "listen"),
          t({ en: "the experiment must not call listen()", ko: "실험은 listen()을 호출하면 안 된다" }),
        ).toBe(0);
        // The answer must come from a connect() that ran, to the port a bind() took: not from memory.
        const bound = trace.find((e) => e.call === "bind" && e.result === 0);
        const refused = trace.find((e) => e.call === "connect");
        expect(
          bound,
          t({
            en: "the experiment binds a server socket (and does not listen)",
            ko: "실험은 서버 소켓을 bind 한다(listen은 하지 않는다)",
          }),
        ).toBeDefined();
        expect(
          refused,
          t({
            en: "the experiment calls connect() and reports what it returned",
            ko: "실험은 connect()를 호출하고 그 반환값을 알린다",
          }),
        ).toMatchObject({
          result: -1,
          error: result,
        });
        expect(
          refused?.fd,
          t({
            en: "the client is a socket of its own, not the bound one",
            ko: "클라이언트는 bind 한 소켓이 아닌 별도의 소켓이다",
          }),
        ).not.toBe(bound?.fd);
        expectAllClosed(trace);
      },
    );

    it(
      t({
        en: "Q4/Q5: after listen(), connect() succeeds (returns 0) although accept() was never called",
        ko: "Q4/Q5: listen() 뒤에는 accept()를 호출하지 않아도 connect()가 성공한다(0을 반환)",
      }),
      async () => {
        const { result, trace } = await observe(experiments.connectWithoutAccept);
        expect(result, t({ en: "what connect() returned", ko: "connect()의 반환값" })).toBe(0);
        expectCallOrder(trace, ["listen", "connect"]);
        expect(
          countCalls(trace, "accept"),
          t({ en: "the experiment must not call accept()", ko: "실험은 accept()를 호출하면 안 된다" }),
        ).toBe(0);
        expectAllClosed(trace);
      },
    );

    it(
      t({
        en: "Q5: connections wait in the queue in arrival order until accept() takes them",
        ko: "Q5: 연결은 accept()가 꺼낼 때까지 도착한 순서대로 연결요청 대기 큐에서 기다린다",
      }),
      async () => {
        const { result, trace } = await observe(experiments.acceptOrder, 4);
        expect(
          result,
          t({
            en: "what each accepted connection had sent, in accept() order",
            ko: "accept() 순서대로, 각 연결이 보낸 것",
          }),
        ).toEqual(["client 1", "client 2", "client 3", "client 4"]);
        const firstAccept = trace.findIndex((e) => e.call === "accept");
        const lastConnect = trace.findLastIndex((e) => e.call === "connect");
        expect(
          firstAccept,
          t({
            en: "every client connects before the first accept()",
            ko: "모든 클라이언트가 첫 accept() 전에 연결한다",
          }),
        ).toBeGreaterThan(lastConnect);
        expectAllClosed(trace);
      },
    );

    it(
      t({
        en: "Q6: a client has port 0 before connect() and an ephemeral port after, without bind()",
        ko: "Q6: 클라이언트의 포트는 connect() 전에는 0이고, bind() 없이도 connect() 뒤에는 임시 포트가 된다",
      }),
      async () => {
        const { result, trace } = await observe(experiments.clientPortBeforeAndAfterConnect);
        expect(
          result.before,
          t({ en: "the client's port before connect()", ko: "connect() 전 클라이언트의 포트" }),
        ).toBe(0);
        expect(
          result.after,
          t({ en: "the client's port after connect()", ko: "connect() 뒤 클라이언트의 포트" }),
        ).toBeGreaterThan(0);
        const connected = trace.findIndex((e) => e.call === "connect" && e.result === 0);
        expect(connected, t({ en: "the client connects", ko: "클라이언트가 연결한다" })).toBeGreaterThan(-1);
        const client = trace[connected]?.fd;
        expect(
          trace.filter((e) => e.call === "bind" && e.fd === client),
          t({ en: "the client must not bind()", ko: "클라이언트는 bind() 하면 안 된다" }),
        ).toEqual([]);
        // Both ports must be what getsockname() said on the client's socket, before and after connect().
        const asked = (e: (typeof trace)[number]) => e.call === "getsockname" && e.fd === client;
        expect(
          trace.slice(0, connected).find(asked)?.detail?.port,
          t({
            en: "before: getsockname() on the client's socket before connect()",
            ko: "전: connect() 전에 클라이언트 소켓에 getsockname()으로 얻은 포트",
          }),
        ).toBe(result.before);
        expect(
          trace.slice(connected + 1).find(asked)?.detail?.port,
          t({
            en: "after: getsockname() on the client's socket after connect()",
            ko: "후: connect() 뒤에 클라이언트 소켓에 getsockname()으로 얻은 포트",
          }),
        ).toBe(result.after);
        expectAllClosed(trace);
      },
    );
  },
);

// Stage 3: review questions 4-6, answered by experiments that run, not from memory. experiments.ts exports one
// function per question; each sets up its own server and client sockets on 127.0.0.1, returns what it saw, and
// closes every socket it opened. The tests check the answer and the calls that produced it.
import {
  countCalls,
  expectAllClosed,
  expectCallOrder,
  load,
  tracedCall,
  type Traced,
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

describe("stage 3: review questions 4-6, by experiment", () => {
  it("Q4: connect() to a socket that is bound but not listening is refused (ECONNREFUSED)", async () => {
    const { result, trace } = await observe(experiments.connectBeforeListen);
    expect(result, "the errno name connect() set").toBe("ECONNREFUSED");
    expect(countCalls(trace, "listen"), "the experiment must not call listen()").toBe(0);
    // The answer must come from a connect() that ran, to the port a bind() took: not from memory.
    const bound = trace.find((e) => e.call === "bind" && e.result === 0);
    const refused = trace.find((e) => e.call === "connect");
    expect(bound, "the experiment binds a server socket (and does not listen)").toBeDefined();
    expect(refused, "the experiment calls connect() and reports what it returned").toMatchObject({
      result: -1,
      error: result,
    });
    expect(refused?.fd, "the client is a socket of its own, not the bound one").not.toBe(bound?.fd);
    expectAllClosed(trace);
  });

  it("Q4/Q5: after listen(), connect() succeeds (returns 0) although accept() was never called", async () => {
    const { result, trace } = await observe(experiments.connectWithoutAccept);
    expect(result, "what connect() returned").toBe(0);
    expectCallOrder(trace, ["listen", "connect"]);
    expect(countCalls(trace, "accept"), "the experiment must not call accept()").toBe(0);
    expectAllClosed(trace);
  });

  it("Q5: connections wait in the queue in arrival order until accept() takes them", async () => {
    const { result, trace } = await observe(experiments.acceptOrder, 4);
    expect(result, "what each accepted connection had sent, in accept() order").toEqual([
      "client 1",
      "client 2",
      "client 3",
      "client 4",
    ]);
    const firstAccept = trace.findIndex((e) => e.call === "accept");
    const lastConnect = trace.findLastIndex((e) => e.call === "connect");
    expect(firstAccept, "every client connects before the first accept()").toBeGreaterThan(lastConnect);
    expectAllClosed(trace);
  });

  it("Q6: a client has port 0 before connect() and an ephemeral port after, without bind()", async () => {
    const { result, trace } = await observe(experiments.clientPortBeforeAndAfterConnect);
    expect(result.before, "the client's port before connect()").toBe(0);
    expect(result.after, "the client's port after connect()").toBeGreaterThan(0);
    const connected = trace.findIndex((e) => e.call === "connect" && e.result === 0);
    expect(connected, "the client connects").toBeGreaterThan(-1);
    const client = trace[connected]?.fd;
    expect(
      trace.filter((e) => e.call === "bind" && e.fd === client),
      "the client must not bind()",
    ).toEqual([]);
    // Both ports must be what getsockname() said on the client's socket, before and after connect().
    const asked = (e: (typeof trace)[number]) => e.call === "getsockname" && e.fd === client;
    expect(
      trace.slice(0, connected).find(asked)?.detail?.port,
      "before: getsockname() on the client's socket before connect()",
    ).toBe(result.before);
    expect(
      trace.slice(connected + 1).find(asked)?.detail?.port,
      "after: getsockname() on the client's socket after connect()",
    ).toBe(result.after);
    expectAllClosed(trace);
  });

  it("Q5 on a real kernel (bonus): past the backlog, connects wait (Linux, macOS) or are refused (Windows); nothing is left behind", async () => {
    const { result, leftOpen } = await observe(experiments.connectsBeyondBacklog, 2, 6);
    expect(result.completed + result.waiting + result.refused, "every client is counted once").toBe(6);
    expect(
      result.completed,
      "connections completed while nobody accepted (more than 4: something accepted them; is the server's event loop really held?)",
    ).toBeLessThanOrEqual(4);
    expect(
      result.completed,
      "at least one connection must complete, or the server never listened",
    ).toBeGreaterThanOrEqual(1);
    if (process.platform === "linux") {
      // Linux keeps backlog + 1 completed connections in the accept queue and drops the other SYNs.
      expect(result, "on Linux: backlog + 1 complete, the rest wait, none is refused").toEqual({
        completed: 3,
        waiting: 3,
        refused: 0,
      });
    }
    expect(
      leftOpen,
      "what the experiment left open when it returned (destroy every client socket, end the server's process)",
    ).toEqual([]);
  }, 15_000);
});

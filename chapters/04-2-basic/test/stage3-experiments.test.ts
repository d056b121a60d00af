import { ChildProcess } from "node:child_process";
import net from "node:net";

import {
  countCalls,
  expectAllClosed,
  expectCallOrder,
  traced,
  withDeadline,
} from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it, onTestFinished } from "vitest";

type Experiments = typeof import("../solution/experiments.ts");
const experiments = await impl<Experiments>("experiments.ts");

describe("stage 3: review questions 4-6, by experiment", () => {
  it("Q4: connect() before the server calls listen() is refused", async () => {
    const { result, trace } = await traced(() => experiments.connectBeforeListen());
    expect(result).toBe("ECONNREFUSED");
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

  it("Q4/Q5: after listen(), connect() succeeds although accept() was never called", async () => {
    const { result, trace } = await traced(() => experiments.connectWithoutAccept());
    expect(result).toBe(0);
    expectCallOrder(trace, ["listen", "connect"]);
    expect(countCalls(trace, "accept"), "the experiment must not call accept()").toBe(0);
    expectAllClosed(trace);
  });

  it("Q5: connections wait in the queue in arrival order until accept() takes them", async () => {
    const { result, trace } = await traced(() => experiments.acceptOrder(4));
    expect(result).toEqual(["client 1", "client 2", "client 3", "client 4"]);
    const firstAccept = trace.findIndex((e) => e.call === "accept");
    const lastConnect = trace.findLastIndex((e) => e.call === "connect");
    expect(firstAccept, "every client connects before the first accept()").toBeGreaterThan(lastConnect);
    expectAllClosed(trace);
  });

  it("Q6: a client has no port before connect() and an ephemeral one after, without bind()", async () => {
    const { result, trace } = await traced(() => experiments.clientPortBeforeAndAfterConnect());
    expect(result.before).toBe(0);
    expect(result.after).toBeGreaterThan(0);
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
      "before: the port getsockname() gave for the client's socket before connect()",
    ).toBe(result.before);
    expect(
      trace.slice(connected + 1).find(asked)?.detail?.port,
      "after: the port getsockname() gave for the client's socket after connect()",
    ).toBe(result.after);
    expectAllClosed(trace);
  });

  it("Q5 on a real kernel: past the backlog, connects wait (Linux, macOS) or are refused (Windows); nothing is left behind", async () => {
    const children = recordEvery<ChildProcess>(ChildProcess.prototype, "spawn");
    const sockets = recordEvery<net.Socket>(net.Socket.prototype, "connect");
    const result = await experiments.connectsBeyondBacklog(2, 6);
    children.stop();
    sockets.stop();
    // Linux completes backlog + 1 = 3 and leaves 3 waiting; other kernels count their queue a little
    // differently, so the bound is the one that holds on all of them.
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
      // Linux keeps backlog + 1 completed connections in the queue and drops the other SYNs.
      expect(result, "on Linux: backlog + 1 complete, the rest wait, none is refused").toEqual({
        completed: 3,
        waiting: 3,
        refused: 0,
      });
    }
    expect(children.seen.length, "the experiment's server runs in a child process").toBeGreaterThanOrEqual(1);
    expect(sockets.seen.length, "connect() calls: one per client").toBe(6);
    expect(
      sockets.seen.filter((s) => !s.destroyed).length,
      "client sockets still open when the experiment returned (destroy each one before returning)",
    ).toBe(0);
    await withDeadline(
      (async () => {
        while (children.seen.some((c) => c.exitCode === null && c.signalCode === null))
          await new Promise((resolve) => setImmediate(resolve));
      })(),
      "the experiment's server process to end (kill it before returning: it holds its event loop for 10 s)",
      5_000,
    );
  }, 15_000);
});

/**
 * Records every object a prototype's method is called on, until stop(): what an experiment created. `spawn` is
 * ChildProcess's own method (every spawn, fork and exec goes through it), though Node's types leave it out.
 */
function recordEvery<T>(proto: object, method: string): { seen: T[]; stop: () => void } {
  const original = Reflect.get(proto, method) as (this: T, ...args: unknown[]) => unknown;
  const seen: T[] = [];
  const stop = () => void Reflect.set(proto, method, original);
  Reflect.set(proto, method, function (this: T, ...args: unknown[]) {
    seen.push(this);
    return original.apply(this, args);
  });
  onTestFinished(stop);
  return { seen, stop };
}

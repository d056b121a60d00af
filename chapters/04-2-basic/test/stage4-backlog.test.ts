// Stage 4, a bonus: review question 5 on a real kernel. experiments.ts's connectsBeyondBacklog(backlog, clients)
// runs a server in a child process that listens with `backlog` and holds its event loop (so nothing accepts and the
// kernel's accept queue fills), starts `clients` connects at once with node:net, and counts them. What it must
// return and leave, for connectsBeyondBacklog(2, 6):
//   - { completed, waiting, refused } with every client counted once (the three add up to 6);
//   - at most 4 completed (more: something accepted them) and at least 1 (none: the server never listened);
//   - on Linux exactly { completed: 3, waiting: 3, refused: 0 }: backlog + 1 completed, the other SYNs dropped;
//   - nothing left open when it returns: every client socket destroyed, the child process ended.
// It needs node:net and a child process, more than the chapter's calls: a bonus, which the learner's path does not
// wait for.
import { load, t, type Traced, tracedCall } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Experiments = typeof import("../solution/experiments.ts");
const experiments = load<Experiments>(program("experiments.ts"));

/** Runs the experiment as a program of its own, with what it left open. */
async function observe<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: A
): Promise<Traced<Awaited<R>>> {
  const observed = await tracedCall(fn, ...args);
  if (!observed) throw new Error("an experiment must be an export of experiments.ts");
  return observed;
}

describe(
  t({
    en: "stage 4: Q5 on a real kernel: past the backlog",
    ko: "4단계: 실제 커널에서의 Q5: backlog를 넘으면",
  }),
  () => {
    it(
      t({
        en: "Q5 on a real kernel: past the backlog, connects wait (Linux, macOS) or are refused (Windows); nothing is left behind",
        ko: "실제 커널에서의 Q5: backlog를 넘은 connect는 기다리거나(Linux, macOS) 거절되고(Windows), 남는 것이 없다",
      }),
      async () => {
        const { result, leftOpen } = await observe(experiments.connectsBeyondBacklog, 2, 6);
        expect(
          result.completed + result.waiting + result.refused,
          t({ en: "every client is counted once", ko: "모든 클라이언트를 한 번씩 센다" }),
        ).toBe(6);
        expect(
          result.completed,
          t({
            en: "connections completed while nobody accepted (more than 4: something accepted them; is the server's event loop really held?)",
            ko: "아무도 accept 하지 않는 동안 완료된 연결 수(4보다 많으면 무언가가 accept 한 것입니다. 서버의 이벤트 루프가 정말 멈춰 있나요?)",
          }),
        ).toBeLessThanOrEqual(4);
        expect(
          result.completed,
          t({
            en: "at least one connection must complete, or the server never listened",
            ko: "적어도 연결 하나는 완료되어야 한다(아니면 서버가 listen 하지 않은 것)",
          }),
        ).toBeGreaterThanOrEqual(1);
        if (process.platform === "linux") {
          // Linux keeps backlog + 1 completed connections in the accept queue and drops the other SYNs.
          expect(
            result,
            t({
              en: "on Linux: backlog + 1 complete, the rest wait, none is refused",
              ko: "Linux: backlog + 1개가 완료되고, 나머지는 기다리며, 거절되는 것은 없다",
            }),
          ).toEqual({
            completed: 3,
            waiting: 3,
            refused: 0,
          });
        }
        expect(
          leftOpen,
          t({
            en: "what the experiment left open when it returned (destroy every client socket, end the server's process)",
            ko: "실험이 끝날 때 열어 둔 것(클라이언트 소켓을 모두 destroy 하고 서버 프로세스를 끝내세요)",
          }),
        ).toEqual([]);
      },
      15_000,
    );
  },
);

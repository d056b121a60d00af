import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { program, todo } from "../src/cli/index.ts";
import { useLang } from "../src/i18n/index.ts";
import { close, PF_INET, SOCK_STREAM, socket } from "../src/posix/index.ts";
import {
  bytesDiff,
  describeBytes,
  errorMatching,
  expectAllClosed,
  expectCallOrder,
  prefixed,
  startProgram,
  traced,
  withDeadline,
} from "../src/testing/index.ts";
import { main as noHtonsServer, swappedPorts } from "./fixtures/no-htons-server.ts";

// The same helpers as testing.test.ts, with the learner's language set to Korean.
// Scoped to this file: a vitest worker runs several files (isolate: false), and the language is process-wide.
beforeAll(() => useLang("ko"));
afterAll(() => useLang(undefined));

describe("shared/testing in Korean", () => {
  it("diffs bytes with Korean labels and keeps the escapes", () => {
    expect(describeBytes("hello\n")).toBe('"hello\\n" (6바이트)');
    const text = bytesDiff("The reply", "Hello World!", "Hello");
    expect(text).toBe(
      [
        "The reply: 기대한 바이트와 다릅니다.",
        '  기대값:  "Hello World!" (12바이트)',
        '  받은 값: "Hello" (5바이트)',
        "  처음 달라지는 곳: 바이트 오프셋 5 (| 표시, 0부터 셈):",
        '    기대값:  "Hello" | " World!"',
        '    받은 값: "Hello" | (끝)',
      ].join("\n"),
    );
  });

  it("names the usual labels in Korean in transcripts and waits", async () => {
    expect(prefixed("your server", "")).toBe("[내 서버] (출력 없음)");
    expect(prefixed("a fixture", "x\n")).toBe("[a fixture] x");
    await expect(withDeadline(new Promise(() => undefined), "응답", 10)).rejects.toThrow(
      errorMatching("시간 초과: 10 ms 동안 기다렸지만 일어나지 않았습니다 — 응답."),
    );
  });

  it("keeps the starter's TODO text as written", async () => {
    const run = startProgram(
      program({ name: "s.ts", params: [] }, async () => todo("stage 1: accept a client")),
      [],
    );
    await expect(run.port()).rejects.toThrow(
      errorMatching("아직 완성되지 않았습니다: TODO: stage 1: accept a client"),
    );
  });

  it("asks about htons() in Korean", async () => {
    const { free, asked } = await swappedPorts();
    const run = startProgram(noHtonsServer, [String(asked)], { label: "your server", deadlineMs: 60_000 });
    await expect(run.port()).rejects.toThrow(
      errorMatching(
        `내 서버: 요청한 포트는 ${asked}인데 ${free}번 포트에서 리스닝하고 있습니다. htons()를 빠뜨리지 않았나요?`,
      ),
    );
  });

  it("counts a missing close() and names the socket in Korean", async () => {
    const { trace } = await traced(async () => {
      const a = socket(PF_INET, SOCK_STREAM, 0);
      socket(PF_INET, SOCK_STREAM, 0);
      close(a);
    });
    expect(() => expectCallOrder(trace, ["socket", "close", "close"])).toThrow(
      errorMatching(
        "그런데 close() 호출은 두 번 있어야 하는데 한 번뿐입니다: socket()에서 얻은 소켓 4번을 닫지 않았습니다.",
      ),
    );
    expect(() => expectAllClosed(trace)).toThrow(
      errorMatching(
        "연 소켓은 모두 닫아야 합니다: 2개를 열고 1개를 닫았습니다. socket()에서 얻은 소켓 4번을 닫지 않았습니다.",
      ),
    );
  });
});

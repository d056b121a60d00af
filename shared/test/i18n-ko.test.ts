import { describe, expect, it } from "vitest";

import { close, PF_INET, SOCK_STREAM, socket } from "../src/posix/index.ts";
import {
  bytesDiff,
  describeBytes,
  errorMatching,
  expectAllClosed,
  expectCallOrder,
  prefixed,
  run,
  startServer,
  traced,
  withDeadline,
} from "../src/testing/index.ts";
import { fixture, pinLang, rejection, swappedPorts } from "./helpers.ts";

// The same helpers as testing.test.ts, with the learner's language set to Korean: pinLang("ko") pins the test
// thread's language and the programs' it starts (KATA_LANG) for this file only, since a vitest worker runs
// several files (isolate: false).
pinLang("ko");

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
      errorMatching("시간 초과: 10 ms 안에 다음 일이 일어나지 않았습니다 — 응답."),
    );
  });

  it("shows a starter's TODO in Korean when it is given in Korean too", async () => {
    const server = run(fixture("todo-starter.ts"), ["0"], { label: "your server", deadlineMs: 60_000 });
    expect((await rejection(server.port())).message).toBe(
      "아직 완성되지 않았습니다: TODO: 1단계: params를 선언한 뒤 클라이언트를 받으세요",
    );
  });

  it("asks about htons() in Korean", async () => {
    const { free, asked } = await swappedPorts();
    const server = run(fixture("no-htons-server.ts"), [String(asked)], {
      label: "your server",
      deadlineMs: 60_000,
    });
    await expect(server.port()).rejects.toThrow(
      errorMatching(
        `내 서버: 요청한 포트는 ${asked}인데 ${free}번 포트에서 리스닝하고 있습니다. htons()를 빠뜨리지 않았나요?`,
      ),
    );
  });

  it("names a missing await in Korean, in the program's own output", async () => {
    const { run: server, connect } = await startServer(fixture("forgot-await.ts"));
    await connect();
    await server.expectExit(1);
    expect(server.stderr.text).toBe(
      "소켓 4에서 read() 호출이 끝나기 전에 read() 호출을 했습니다. read() 호출 앞에 `await`를 빠뜨리지 않았나요? accept(), connect(), read(), write()(Winsock에서는 recv(), send()), bind(), listen()은 Promise를 반환하므로, C에서 블로킹되는 자리에서 await 하세요.\n",
    );
  });

  it("says in Korean that a program exited before what was awaited", async () => {
    const server = run(fixture("tiny-server.ts"), [], { label: "your server", deadlineMs: 60_000 });
    expect((await rejection(server.port())).message.split("\n")[0]).toBe(
      "내 서버: 기다리던 일이 일어나기 전에 종료되었습니다(종료 코드 1). 기다리던 것: 내 서버의 리스닝 시작.",
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
        "close() 호출이 두 번 있어야 하는데 한 번만 있습니다: socket()에서 얻은 소켓 4번을 닫지 않았습니다.",
      ),
    );
    expect(() => expectAllClosed(trace)).toThrow(
      errorMatching(
        "연 소켓은 모두 닫아야 합니다: 2개를 열고 1개를 닫았습니다. socket()에서 얻은 소켓 4번을 닫지 않았습니다.",
      ),
    );
  });
});

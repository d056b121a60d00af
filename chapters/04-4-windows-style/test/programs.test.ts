// The finished pair as a learner runs it in two terminals: two real processes, talking to each other.
// echo-client-win.ts, given `Winsock`, `안녕` and `q` on its stdin, prints the banner `Connected..........`, a
// prompt and `Message from server : <line>` for each line, and a last prompt, then exits 0; echo-server-win.ts
// prints `Connected client 1` for it.
import { expectBytes, run, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

import { clientTranscript } from "./helpers.ts";

describe(t({ en: "stage 2: the pair as processes", ko: "2단계: 프로세스로 실행한 한 쌍" }), () => {
  it(
    t({
      en: "echo-client-win.ts talks to echo-server-win.ts; the client exits 0",
      ko: "echo-client-win.ts가 echo-server-win.ts와 주고받고, 클라이언트는 종료 코드 0으로 끝난다",
    }),
    async () => {
      const server = run(program("echo-server-win.ts"), ["0"], { label: "echo-server-win", process: true });
      const port = await server.port();
      const client = run(program("echo-client-win.ts"), ["127.0.0.1", String(port)], {
        label: "echo-client-win",
        process: true,
        stdin: "Winsock\n안녕\nq\n",
      });
      await client.expectExit(0);
      expectBytes(
        client.stdout.text,
        clientTranscript(["Winsock", "안녕"]),
        t({ en: "echo-client-win's stdout", ko: "echo-client-win의 stdout" }),
      );
      await server.waitForStdout("Connected client 1\n");
      server.stop("SIGINT");
    },
  );
});

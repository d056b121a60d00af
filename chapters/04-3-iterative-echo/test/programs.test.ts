// The finished pair as a learner runs it in three terminals: echo-server.ts and two echo-client.ts, each a real
// process. The server prints `Connected client 1\n`, the first client gets its replies, the second connects
// (`Connected.........`) but is answered only once the first has quit, and the server then prints
// `Connected client 2\n`.
import { expectBytes, run, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

import { answered, BANNER, clientTranscript, PROMPT } from "./helpers.ts";

describe(
  t({ en: "stage 3: the pair as processes", ko: "3단계: 프로세스로 실행한 서버와 클라이언트" }),
  () => {
    it(
      t({
        en: "echo-client.ts talks to echo-server.ts; the second client waits its turn",
        ko: "echo-client.ts가 echo-server.ts와 주고받고, 두 번째 클라이언트는 차례를 기다린다",
      }),
      async () => {
        const server = run(program("echo-server.ts"), ["0"], { label: "echo-server", process: true });
        const port = String(await server.port());
        const first = run(program("echo-client.ts"), ["127.0.0.1", port], {
          label: "client 1",
          process: true,
        });
        await first.waitForStdout(BANNER + PROMPT);
        await server.waitForStdout("Connected client 1\n");
        const second = run(program("echo-client.ts"), ["127.0.0.1", port], {
          label: "client 2",
          process: true,
          stdin: "waiting\nq\n",
        });
        await second.waitForStdout(BANNER + PROMPT);
        // Watched for the whole of client 1's session, not looked at once: the moment the server prints
        // "Connected client 2" or client 2 prints an echo, it is noted whether client 1 had quit yet.
        let firstQuit = false;
        const early: string[] = [];
        const noteIfEarly = (what: string) => (o: { text: string }) => {
          const seen = o.text.includes(what);
          if (seen && !firstQuit) early.push(what);
          return seen;
        };
        void server.stdout.until(noteIfEarly("Connected client 2"));
        void second.stdout.until(noteIfEarly("Message from server"));
        let soFar = BANNER + PROMPT;
        for (const line of ["안녕", "two", "three"]) {
          first.write(`${line}\n`);
          soFar += answered(line);
          await first.waitForStdout(soFar);
        }
        firstQuit = true;
        first.write("q\n");
        await first.expectExit(0);
        await second.expectExit(0);
        expectBytes(
          second.stdout.text,
          clientTranscript(["waiting"]),
          t({ en: "client 2's stdout", ko: "클라이언트 2의 stdout" }),
        );
        expectBytes(
          server.stdout.text,
          "Connected client 1\nConnected client 2\n",
          t({ en: "echo-server's stdout", ko: "echo-server의 stdout" }),
        );
        expect(
          early,
          t({
            en: "What happened for client 2 while client 1 was still being served",
            ko: "클라이언트 1을 처리하는 동안 클라이언트 2에게 일어난 일",
          }),
        ).toEqual([]);
      },
    );
  },
);

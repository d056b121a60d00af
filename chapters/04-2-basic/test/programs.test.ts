// The finished pair as a learner runs it in two terminals: two real processes, talking to each other.
import { expectBytes, run, t } from "@tcp-katas/shared/testing";
import { program } from "@tcp-katas/vitest-config/impl";
import { describe, it } from "vitest";

describe(t({ en: "stage 2: the pair as processes", ko: "2단계: 두 프로그램을 프로세스로" }), () => {
  it(
    t({
      en: "hello-client.ts gets Hello World! from hello-server.ts; both exit 0",
      ko: "hello-client.ts가 hello-server.ts에게서 Hello World!를 받고, 둘 다 종료 코드 0으로 끝난다",
    }),
    async () => {
      const server = run(program("hello-server.ts"), ["0"], { label: "hello-server", process: true });
      const port = await server.port();
      const client = run(program("hello-client.ts"), ["127.0.0.1", String(port)], {
        label: "hello-client",
        process: true,
      });
      await client.expectExit(0);
      expectBytes(
        client.stdout.text,
        "Message from server : Hello World!\n",
        t({ en: "hello-client's stdout", ko: "hello-client의 stdout" }),
      );
      await server.expectExit(0);
    },
  );
});

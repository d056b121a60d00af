import { echoClientSuite } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";

type Client = typeof import("../solution/echo-client.ts");

echoClientSuite({
  title: "stage 3: echo-client.ts, stream-safe",
  name: "echo-client.ts",
  banner: "Connected.........",
  layer: "posix",
  load: async () => (await impl<Client>("echo-client.ts")).main,
  refused: "connect() error: Connection refused (ECONNREFUSED)\n",
  serverGone: /^(read|write)\(\) error: .*\((EOF|ECONNRESET|EPIPE)\)\n$/,
});

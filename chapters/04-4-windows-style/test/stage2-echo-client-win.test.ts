import { echoClientSuite } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";

type Client = typeof import("../solution/echo-client-win.ts");

echoClientSuite({
  title: "stage 2: echo-client-win.ts, stream-safe (winsock)",
  name: "echo-client-win.ts",
  banner: "Connected..........",
  layer: "winsock",
  load: async () => (await impl<Client>("echo-client-win.ts")).main,
  refused:
    "connect() error: No connection could be made because the target machine actively refused it. WSAECONNREFUSED (10061)\n",
  serverGone: /^(recv|send)\(\) error: .*( (WSAECONNRESET|WSAECONNABORTED) \(\d+\)| \(EOF\))\n$/,
});

import { echoServerSuite } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";

type Server = typeof import("../solution/echo-server-node.ts");

echoServerSuite({
  title: "stage 4: echo-server-node.ts, the same server in idiomatic node:net",
  name: "echo-server-node.ts",
  layer: "node",
  load: async () => (await impl<Server>("echo-server-node.ts")).main,
  portInUse: "listen() error: Address already in use (EADDRINUSE)\n",
});

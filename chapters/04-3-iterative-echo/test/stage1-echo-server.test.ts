import { echoServerSuite } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";

type Server = typeof import("../solution/echo-server.ts");

echoServerSuite({
  title: "stage 1: echo-server.ts, one client at a time (posix)",
  name: "echo-server.ts",
  layer: "posix",
  load: async () => (await impl<Server>("echo-server.ts")).main,
  portInUse: "bind() error: Address already in use (EADDRINUSE)\n",
});

import { echoServerSuite } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";

type Server = typeof import("../solution/echo-server-win.ts");

echoServerSuite({
  title: "stage 1: echo-server-win.ts, one client at a time (winsock)",
  name: "echo-server-win.ts",
  layer: "winsock",
  load: async () => (await impl<Server>("echo-server-win.ts")).main,
  portInUse:
    "bind() error: Only one usage of each socket address (protocol/network address/port) is normally permitted. WSAEADDRINUSE (10048)\n",
});

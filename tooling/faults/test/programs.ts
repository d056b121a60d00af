import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Main } from "@tcp-katas/shared/cli";

const CHAPTERS = path.resolve(import.meta.dirname, "../../../chapters");

export interface Program {
  kata: string;
  file: string;
  /** hello-once: greets one client and exits; hello-forever: greets each client until stopped; echo: 5 clients. */
  kind: "hello-once" | "hello-forever" | "echo" | "hello-client" | "echo-client";
  /** The echo client's banner. */
  banner?: string;
}

export const SERVERS: Program[] = [
  { kata: "04-2-basic", file: "hello-server.ts", kind: "hello-once" },
  { kata: "04-2-basic", file: "hello-server-node.ts", kind: "hello-once" },
  { kata: "04-3-iterative-echo", file: "echo-server.ts", kind: "echo" },
  { kata: "04-3-iterative-echo", file: "echo-server-node.ts", kind: "echo" },
  { kata: "04-4-windows-style", file: "echo-server-win.ts", kind: "echo" },
  { kata: "04-q7-hello-iterative", file: "hello-server-iterative-win.ts", kind: "hello-forever" },
];

export const CLIENTS: Program[] = [
  { kata: "04-2-basic", file: "hello-client.ts", kind: "hello-client" },
  { kata: "04-2-basic", file: "hello-client-node.ts", kind: "hello-client" },
  { kata: "04-q7-hello-iterative", file: "hello-client-win.ts", kind: "hello-client" },
  { kata: "04-3-iterative-echo", file: "echo-client.ts", kind: "echo-client", banner: "Connected........." },
  {
    kata: "04-4-windows-style",
    file: "echo-client-win.ts",
    kind: "echo-client",
    banner: "Connected..........",
  },
];

/** The solution's main(). */
export async function load(p: Program): Promise<Main> {
  const mod = (await import(pathToFileURL(path.join(CHAPTERS, p.kata, "solution", p.file)).href)) as {
    main: Main;
  };
  return mod.main;
}

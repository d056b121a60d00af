import type { Main } from "../../cli/program.ts";
import { connectLocal, type TestClient } from "../net.ts";
import type { InProcessRun } from "../run.ts";
import { startProgram } from "../run.ts";

/** Which API a program is written against: the traced C-shaped layers, or plain node:net. */
export type Layer = "posix" | "winsock" | "node";

export interface StartedServer {
  readonly run: InProcessRun;
  readonly port: number;
  readonly connect: () => Promise<TestClient>;
}

/** Starts a server program in-process on port 0 and waits until it listens (whatever API it uses). */
export async function startServer(main: Main, label = "your server"): Promise<StartedServer> {
  const run = startProgram(main, ["0"], { label });
  const port = await run.port();
  return { run, port, connect: () => connectLocal(port) };
}

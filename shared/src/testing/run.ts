import { ChildRun, type RunOptions, WorkerRun } from "./boundary/carriers.ts";
import type { ProgramFile } from "./boundary/spawn.ts";
import { currentTest, registerCleanup } from "./cleanup.ts";
import { connectLocal, type TestClient } from "./net.ts";
import type { ProgramRun } from "./program-run.ts";

/**
 * Starts a learner's program behind the boundary, `main(args)` of `program`, and ends it when the test ends.
 * `process: true` runs it as a process of its own (real stdio, signals) instead of a worker thread.
 */
export function run(
  program: ProgramFile,
  args: readonly string[],
  options: RunOptions & { process?: boolean } = {},
): ProgramRun {
  const started = options.process
    ? new ChildRun(program, args, options)
    : new WorkerRun(program, args, options);
  // Its peers, named when one of them waits in vain, are the programs its own test started.
  started.group = currentTest.getStore();
  registerCleanup(() => started.end());
  if (options.stdin !== undefined) {
    started.write(options.stdin);
    started.endInput();
  }
  return started;
}

export interface StartedServer {
  readonly run: ProgramRun;
  readonly port: number;
  /**
   * A test client connected to the server. When the server has exited, it says so (its code, how many
   * connections it took, its output) instead of "connection refused".
   */
  readonly connect: () => Promise<TestClient>;
}

/** Starts a server program on port 0 (args `["0"]` unless given) and waits until it listens. */
export async function startServer(
  program: ProgramFile,
  options: RunOptions & { args?: readonly string[]; process?: boolean } = {},
): Promise<StartedServer> {
  const server = run(program, options.args ?? ["0"], { label: "your server", ...options });
  const port = await server.port();
  const connect = async () => {
    const gone = server.whyNot(`a connection to port ${port}`);
    if (gone) throw gone;
    try {
      return await connectLocal(port);
    } catch (err) {
      // A server whose main() returned closes its socket a moment before its exit is reported: a refused
      // connect then waits that moment, to say "your server exited" rather than "connection refused".
      if ((err as NodeJS.ErrnoException).code === "ECONNREFUSED")
        await server.waitForExit(undefined, 1_000).catch(() => undefined);
      throw server.whyNot(`a connection to port ${port}`) ?? err;
    }
  };
  return { run: server, port, connect };
}

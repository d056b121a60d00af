import { msg } from "../i18n/messages.ts";
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
  /** A test client connected to the server: connectTo(run, port). */
  readonly connect: () => Promise<TestClient>;
}

/** Starts a server program on port 0 (args `["0"]` unless given) and waits until it listens. */
export async function startServer(
  program: ProgramFile,
  options: RunOptions & { args?: readonly string[]; process?: boolean } = {},
): Promise<StartedServer> {
  const server = run(program, options.args ?? ["0"], { label: "your server", ...options });
  const port = await server.port();
  return { run: server, port, connect: () => connectTo(server, port) };
}

/**
 * A test client connected to a server program (at `port`, or where it listens). When the server has exited, the
 * client's waits say so (its code, how many connections it took, its output: a lesson a layer printed, say)
 * instead of "connection refused" or "the connection ended after 0 of 6 bytes".
 */
export async function connectTo(server: ProgramRun, port?: number): Promise<TestClient> {
  const at = port ?? (await server.port());
  const connecting = msg("run.what.connectPort", { port: at });
  const gone = server.whyNot(connecting);
  if (gone) throw gone;
  /** A wait that fails because the server is gone (`gone(err)`) fails with why it went. */
  const explained = async <T>(
    wait: Promise<T>,
    what: string,
    gone: (err: unknown) => boolean,
  ): Promise<T> => {
    try {
      return await wait;
    } catch (err) {
      if (!gone(err)) throw err;
      // A server whose main() returned closes its sockets a moment before its exit is reported.
      await server.waitForExit(undefined, 1_000).catch(() => undefined);
      throw server.whyNot(what) ?? err;
    }
  };
  const refused = (err: unknown) => (err as NodeJS.ErrnoException).code === "ECONNREFUSED";
  const client = await explained(connectLocal(at), connecting, refused);
  const answer = msg("run.what.answer", { label: server.shownLabel });
  const ended = () => client.received.ended;
  return {
    ...client,
    waitForBytes: (n, label, ms) => explained(client.waitForBytes(n, label, ms), answer, ended),
    waitForEnd: (label, ms) => explained(client.waitForEnd(label, ms), answer, ended),
  };
}

// Plain JS, as the rest of the preset. A globalSetup: vitest runs it in its main process before it starts workers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The variables os.tmpdir() reads: TMPDIR on POSIX, TEMP and TMP on Windows. */
const VARIABLES = ["TMPDIR", "TEMP", "TMP"];

/**
 * Every temporary folder a run's tests make (workspaces, captures, attempts, and those of the vitest runs they
 * start) goes under one folder of the run's own, removed when the run ends however it ends: vitest leaves through
 * process.exit() on SIGINT and SIGTERM as well (turbo stopping the other tasks after a failure, Ctrl-C), and
 * process.exit() runs "exit" listeners. Only SIGKILL leaves it behind, in the system's temporary folder.
 */
export default function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "tcp-katas-test-"));
  const before = VARIABLES.map((name) => [name, process.env[name]]);
  // Workers and every process they start inherit the environment, so their os.tmpdir() is this folder.
  for (const name of VARIABLES) process.env[name] = dir;
  const remove = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  process.once("exit", remove);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    process.off("exit", remove);
    remove();
  };
}

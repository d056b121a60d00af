// Plain JS, as the rest of the preset. A globalSetup: vitest runs it in its main process before it starts workers.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A run's folder: the prefix, the pid of the vitest process that made it, a random tail. */
const PREFIX = "tcp-katas-test-";
const OWNER = new RegExp(`^${PREFIX}(\\d+)-`);

/** True while process `pid` exists (EPERM: it exists, owned by someone else). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

/** Removes the folders under `parent` that runs killed with SIGKILL left behind (their pid no longer exists). */
export function sweep(parent) {
  let names = [];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(OWNER.exec(name)?.[1]);
    if (pid > 0 && !alive(pid)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** The variables os.tmpdir() reads: TMPDIR on POSIX, TEMP and TMP on Windows. */
const VARIABLES = ["TMPDIR", "TEMP", "TMP"];

/**
 * Every temporary folder a run's tests make (workspaces, captures, attempts, and those of the vitest runs they
 * start) goes under one folder of the run's own, removed when the run ends however it ends: vitest leaves through
 * process.exit() on SIGINT and SIGTERM as well (turbo stopping the other tasks after a failure, Ctrl-C), and
 * process.exit() runs "exit" listeners. Only SIGKILL leaves it behind: the folder's name carries the run's pid, and
 * the next run removes the folders of runs that are gone.
 */
export default function setup() {
  sweep(tmpdir());
  const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
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

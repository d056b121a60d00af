import { existsSync } from "node:fs";
import path from "node:path";

import { CliError } from "./errors.ts";

/**
 * The workspace the user is in: the nearest folder at or above `cwd` that holds pnpm-workspace.yaml, as git, pnpm
 * and turbo find theirs. Never where the CLI's own code is installed.
 */
export function findWorkspace(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new CliError(
    `No pnpm-workspace.yaml in ${path.resolve(cwd)} or any folder above it: run pnpm kata inside the tcp-ip-katas checkout.`,
    "KATA_NO_WORKSPACE",
  );
}

/** Where the learner's own state lives (shown hints, language, reset backups): KATA_STATE_DIR or <root>/.kata. */
export function stateDirOf(root: string, env: NodeJS.ProcessEnv): string {
  return env.KATA_STATE_DIR ? path.resolve(env.KATA_STATE_DIR) : path.join(root, ".kata");
}

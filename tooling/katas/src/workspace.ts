import path from "node:path";

import { KataError } from "@tcp-katas/shared/cli";
import { workspaceRoot } from "@tcp-katas/shared/i18n";

/** No pnpm-workspace.yaml at or above the folder (code KATA_NO_WORKSPACE). */
export class NoWorkspace extends KataError {
  declare readonly code: "KATA_NO_WORKSPACE";
  constructor(cwd: string) {
    super(
      "NoWorkspace",
      "KATA_NO_WORKSPACE",
      `No pnpm-workspace.yaml in ${path.resolve(cwd)} or any folder above it: run this inside the tcp-ip-katas checkout.`,
    );
  }
}

/**
 * The workspace a command runs in: the nearest folder at or above `cwd` that holds pnpm-workspace.yaml, as git,
 * pnpm and turbo find theirs (shared's workspaceRoot(), the one lookup there is).
 */
export function findWorkspace(cwd: string = process.cwd()): string {
  const root = workspaceRoot(cwd);
  if (root === undefined) throw new NoWorkspace(cwd);
  return root;
}

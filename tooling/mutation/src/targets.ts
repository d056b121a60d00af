// What `pnpm test:mutation` mutates: every kata checked out under chapters/ (read through @tcp-katas/katas, so
// this package depends on no kata) and shared/src. Break thresholds come from thresholds.json.
import { readFileSync } from "node:fs";
import path from "node:path";

import { findWorkspace, loadKatas } from "@tcp-katas/katas";

export interface Target {
  /** The kata's id, or "shared-<area>". */
  id: string;
  /** The folder Stryker runs in (the package with the vitest config). */
  dir: string;
  /** Globs of the files to mutate, relative to dir. */
  mutate: string[];
  /** The score under which the run fails (Stryker's thresholds.break), or null for none yet. */
  breakAt: number | null;
  /**
   * Skip static mutants (module-level code, run once at import): each one reruns every test of the package.
   * For shared-testing they are a quarter of the mutants and three quarters of the time.
   */
  ignoreStatic?: boolean;
}

/** The repository root (the one workspace lookup there is). */
export function repoRoot(from = import.meta.dirname): string {
  return findWorkspace(from);
}

/** shared's index.ts files that only re-export (the layers' index.ts files hold their API's code). */
const BARRELS = ["src/cli/index.ts", "src/framing/index.ts", "src/i18n/index.ts", "src/testing/index.ts"];

export function targets(root = repoRoot()): { root: string; all: Target[] } {
  const thresholds = JSON.parse(
    readFileSync(path.join(import.meta.dirname, "../thresholds.json"), "utf8"),
  ) as Record<string, number>;
  const all: Target[] = loadKatas(root).map(({ id, dir }) => ({
    id,
    dir,
    mutate: ["solution/**/*.ts"],
    breakAt: thresholds[id] ?? null,
  }));
  // shared/src in three areas, each a target of its own (report, incremental state, threshold): a mutant in
  // the socket layers reruns most of shared's socket tests, so the layers alone take longer than the rest.
  // `pnpm test:mutation shared` runs the three. The suites are exercised by the katas' tests, not by shared's
  // own: mutating them here would only list survivors that the katas kill.
  const areas: [string, string[]][] = [
    ["shared-framing", ["src/framing/**/*.ts", "src/cli/**/*.ts"]],
    ["shared-layers", ["src/posix/**/*.ts", "src/winsock/**/*.ts", "src/internal/**/*.ts"]],
    ["shared-testing", ["src/testing/**/*.ts", "src/i18n/**/*.ts"]],
  ];
  for (const [id, globs] of areas) {
    all.push({
      id,
      ignoreStatic: id === "shared-testing",
      dir: path.join(root, "shared"),
      // The barrels only re-export; posix/index.ts and winsock/index.ts are the layers' API and are mutated.
      mutate: [...globs, ...BARRELS.map((b) => `!${b}`)],
      breakAt: thresholds[id] ?? null,
    });
  }
  return { root, all };
}

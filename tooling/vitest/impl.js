import { existsSync } from "node:fs";
import path from "node:path";

import { inject } from "vitest";

/** The folder the tests run against (set by the preset from KATA_TARGET). */
export function targetDir() {
  return inject("kataTarget");
}

/** A short name for the target, for messages: "starter", "solution" or the attempt's path. */
export function targetName() {
  return inject("kataTargetName");
}

/**
 * One program file of the target, as the boundary runs it: its path, and the kata folder whose packages its
 * imports resolve from (so an attempt folder anywhere runs with the kata's @tcp-katas/shared).
 * @param {string} file
 * @returns {{ file: string, resolveFrom: string }}
 */
export function program(file) {
  const full = path.join(targetDir(), file);
  if (!existsSync(full)) {
    throw new Error(
      `${targetName()}/${file} does not exist: every kata target needs the same files as solution/.`,
    );
  }
  return { file: full, resolveFrom: inject("kataDir") };
}

import { existsSync } from "node:fs";
import path from "node:path";

import { inject } from "vitest";

/**
 * One program file of the target (set by the preset from KATA_TARGET), as the boundary runs it: its path, and the
 * kata folder whose packages its imports resolve from (so an attempt folder anywhere runs with the kata's
 * @tcp-katas/shared).
 * @param {string} file
 * @returns {{ file: string, resolveFrom: string }}
 */
export function program(file) {
  const full = path.join(inject("kataTarget"), file);
  if (!existsSync(full)) {
    throw new Error(
      `${inject("kataTargetName")}/${file} does not exist: every kata target needs the same files as solution/.`,
    );
  }
  return { file: full, resolveFrom: inject("kataDir") };
}

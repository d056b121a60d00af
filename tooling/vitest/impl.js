import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

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
 * Imports one file of the target, e.g. `await impl("echo-server.ts")`.
 * @param {string} file
 */
export async function impl(file) {
  const full = path.join(targetDir(), file);
  if (!existsSync(full)) {
    throw new Error(
      `${targetName()}/${file} does not exist: every kata target needs the same files as solution/.`,
    );
  }
  return import(pathToFileURL(full).href);
}

// One vitest run for every wrong attempt (test/wrong.test.ts starts it): a project per attempt, made from its
// kata's own preset with the attempt as the target and only its stage's test files. One vitest instead of one per
// attempt saves a vitest start-up each (about 1.5 s of CPU), and the attempts share the two workers.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { defineConfig } from "vitest/config";

/** @typedef {{ project: string, kataDir: string, target: string, files: string[] }} Planned */

const planFile = process.env.WRONG_PLAN;
if (!planFile) throw new Error("WRONG_PLAN (the plan's JSON file) is not set: test/wrong.test.ts sets it.");
/** @type {Planned[]} */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the plan test/wrong.test.ts wrote; typed just above
const plan = JSON.parse(readFileSync(planFile, "utf8"));

/** @param {Planned} planned */
async function projectOf(planned) {
  // The kata's preset, resolved from the kata as its own vitest.config.ts resolves it.
  const preset = createRequire(path.join(planned.kataDir, "package.json")).resolve(
    "@tcp-katas/vitest-config",
  );
  /** @type {{ kataConfig: (dir: string) => { resolve?: object, test: Record<string, unknown> } }} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a module found at run time; typed just above
  const { kataConfig } = await import(pathToFileURL(preset).href);
  const base = kataConfig(planned.kataDir);
  const { reporters: _rootOnly, ...test } = base.test;
  return {
    ...base,
    test: {
      ...test,
      name: planned.project,
      include: planned.files,
      // A fresh worker per file: two attempts may run the same test file, each against its own target.
      isolate: true,
      provide: { kataTarget: planned.target, kataTargetName: path.relative(planned.kataDir, planned.target) },
    },
  };
}

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: await Promise.all(plan.map(projectOf)),
    reporters: [path.join(import.meta.dirname, "reporter.js")],
  },
});

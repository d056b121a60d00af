import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

import { resolveTarget, TARGET_ENV } from "./target.js";

/** Shared defaults: deadlines that fail a hung test with a message, a temporary folder per run, no watch in CI. */
const common = {
  globalSetup: [fileURLToPath(new URL("./run-tmpdir.js", import.meta.url))],
  setupFiles: [fileURLToPath(new URL("./worker-exit.js", import.meta.url))],
  testTimeout: 15_000,
  hookTimeout: 10_000,
  teardownTimeout: 5_000,
  // Tests open real sockets on port 0 only, so files may run side by side; 2 cores here.
  maxWorkers: 2,
  // A worker runs file after file instead of a fresh process per file: a kata's suite costs a third less CPU
  // (measured on 04-3: 6.5 s -> 4.5 s for the starter, 11.8 s -> 10.2 s for the solution). The learner's programs
  // run behind the boundary, each in a thread of its own, so nothing of theirs stays in a worker; a test file that
  // sets process-wide state (the messages' language) scopes it with beforeAll/afterAll. Mutation testing isolates
  // each file again, in a config of its own (tooling/mutation).
  isolate: false,
  restoreMocks: true,
};

/**
 * The kata preset. `export default kataConfig(import.meta.dirname)` in a kata's vitest.config.ts.
 * KATA_TARGET picks what runs: starter (default), solution, or an attempt folder.
 * @param {string} kataDir
 */
export function kataConfig(kataDir) {
  const target = resolveTarget(kataDir, process.env[TARGET_ENV]);
  // The kata's own @tcp-katas/shared (a declared dependency of every kata) runs each test in a context of its
  // own, so the tests of a file run side by side: each has its own programs and ports, and a stage's verdict
  // comes in about the time of its slowest test instead of the sum of them all.
  const setup = createRequire(path.join(kataDir, "package.json")).resolve("@tcp-katas/shared/testing/setup");
  return defineConfig({
    test: {
      ...common,
      setupFiles: [...common.setupFiles, setup],
      sequence: { concurrent: true },
      name: `${path.basename(kataDir)} [${target.name}]`,
      root: kataDir,
      include: ["test/**/*.test.ts"],
      provide: { kataTarget: target.dir, kataTargetName: target.name, kataDir },
      // Learners read the stage names; CI and tools read the summary.
      reporters: process.env.CI ? ["dot"] : ["default"],
    },
  });
}

/**
 * The preset for library packages (shared, tooling): plain unit and property tests.
 * @param {string} dir
 */
export function unitConfig(dir) {
  return defineConfig({
    test: {
      ...common,
      root: dir,
      include: ["test/**/*.test.ts", "src/**/*.test.ts"],
      // Fixtures are katas and workspaces that tests run on, not tests of this package.
      exclude: ["**/node_modules/**", "**/fixtures/**"],
      reporters: process.env.CI ? ["dot"] : ["default"],
    },
  });
}

// Plain JS on purpose: vitest loads its config with Node 20, which cannot import .ts from a package.
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

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
  // Learners read the stage names; CI and tools read the summary.
  reporters: process.env.CI ? ["dot"] : ["default"],
};

/**
 * What KATA_TARGET names: `starter` (default) and `solution` the kata's own folders; anything else the path of an
 * attempt folder, relative to where the user ran the command (pnpm's INIT_CWD) or absolute.
 * @param {string} kataDir
 */
function resolveTarget(kataDir) {
  const raw = (process.env.KATA_TARGET ?? "").trim() || "starter";
  if (raw === "starter" || raw === "solution") return { name: raw, dir: path.join(kataDir, raw) };
  const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), raw);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `KATA_TARGET=${raw}: no such folder (${dir}). Use "starter", "solution" or the path of an attempt folder.`,
    );
  }
  return { name: path.relative(kataDir, dir) || ".", dir };
}

/**
 * The kata preset. `export default kataConfig(import.meta.dirname)` in a kata's vitest.config.ts.
 * @param {string} kataDir
 */
export function kataConfig(kataDir) {
  const target = resolveTarget(kataDir);
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
    },
  });
}

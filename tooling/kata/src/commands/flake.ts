import { spawn } from "node:child_process";
import path from "node:path";

import type { Kata } from "../katas.ts";
import { repoRoot } from "../katas.ts";
import { bad, bold, dim, ok, progress } from "../style.ts";
import { runKata } from "../vitest-run.ts";

/** Runs every suite that must be green N times with a busy CPU alongside, and lists every test that failed. */
export async function flake(katas: Kata[], runs: number): Promise<number> {
  const root = repoRoot();
  const libraries: Kata[] = ["shared", "tooling/faults", "tooling/kata"].map((dir) => ({
    id: dir,
    section: "",
    title: { en: dir, ko: dir },
    programs: [],
    stages: [],
    demo: [],
    dir: path.join(root, dir),
  }));
  const suites = [...libraries, ...katas];
  // One core spins for the whole run: timing assumptions show up as failures.
  const busy = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
  const failures = new Map<string, { count: number; message: string }>();
  let total = 0;
  try {
    for (let i = 1; i <= runs; i++) {
      for (const suite of suites) {
        progress(i - 1, runs, `run ${i}: ${suite.id}`);
        const result = await runKata(suite, "solution");
        if (result.crash && result.tests.length === 0) {
          const key = `${suite.id} (did not run)`;
          failures.set(key, {
            count: (failures.get(key)?.count ?? 0) + 1,
            message: result.crash.slice(0, 400),
          });
        }
        for (const t of result.tests) {
          total++;
          if (t.status !== "failed") continue;
          const key = `${suite.id} › ${t.group} › ${t.title}`;
          failures.set(key, {
            count: (failures.get(key)?.count ?? 0) + 1,
            message: (t.failure ?? "").split("\n").slice(0, 3).join(" "),
          });
        }
      }
      // Piped (CI logs), the progress bar is silent: say where the run is once per round instead.
      if (!process.stderr.isTTY) {
        console.error(
          dim(`run ${i}/${runs} done: ${total} test executions, ${failures.size} test(s) failed so far`),
        );
      }
    }
  } finally {
    busy.kill("SIGKILL");
    progress(runs, runs, "");
  }
  console.log(bold(`${runs} runs, ${total} test executions, a busy CPU alongside.`));
  if (failures.size === 0) {
    console.log(ok("No flaky test: every test passed every time."));
    return 0;
  }
  console.log(bad(`${failures.size} test(s) failed at least once:`));
  for (const [name, f] of failures)
    console.log(`  ${bad(`${f.count}/${runs}`)} ${name}\n      ${dim(f.message)}`);
  return 1;
}

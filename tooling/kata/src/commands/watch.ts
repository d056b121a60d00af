import { type FSWatcher, unwatchFile, watch as fsWatch, watchFile } from "node:fs";
import path from "node:path";

import type { Kata } from "../katas.ts";
import { dim } from "../style.ts";
import { runKata, targetValue } from "../vitest-run.ts";
import { printResult, type Target, targetLabel } from "./check.ts";
import { targetDir } from "./run.ts";

/** Re-runs the kata's tests on every save, the first failing stage in focus. Ends with Ctrl-C. */
export async function watch(kata: Kata, target: Target, poll: boolean): Promise<number> {
  const dir = targetDir(kata, target);
  let running = false;
  let again = false;
  const runOnce = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      if (process.stdout.isTTY) process.stdout.write("\u001b[2J\u001b[H");
      console.log(
        dim(
          `${new Date().toLocaleTimeString()} · watching ${path.relative(process.cwd(), dir) || dir}${poll ? " (polling)" : ""} · Ctrl-C to stop`,
        ),
      );
      printResult(kata, await runKata(kata, targetValue(kata, target)), targetLabel(target), { focus: true });
    } while (again);
    running = false;
  };
  let timer: NodeJS.Timeout | undefined;
  const changed = (file?: string | null) => {
    if (file && !String(file).endsWith(".ts")) return;
    clearTimeout(timer);
    timer = setTimeout(() => void runOnce(), 150);
  };
  const files = kata.programs.map((p) => path.join(dir, p.file));
  let watcher: FSWatcher | undefined;
  if (poll) for (const f of files) watchFile(f, { interval: 500 }, () => changed());
  else watcher = fsWatch(dir, { recursive: true }, (_event, file) => changed(file));
  await runOnce();
  return new Promise((resolve) => {
    process.once("SIGINT", () => {
      watcher?.close();
      for (const f of files) unwatchFile(f);
      console.log("");
      resolve(0);
    });
  });
}

import { existsSync, type FSWatcher, unwatchFile, watch as fsWatch, watchFile } from "node:fs";
import path from "node:path";

import { type Command, TARGET_OPTIONS, targetOf, testEnv } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { firstUnfinished } from "../next.ts";
import { header, liveFailure, printResult } from "../report.ts";
import { Session } from "../runner/session.ts";
import { byStage, stageFiles } from "../runner/stages.ts";
import { targetDir, targetLabel, targetValue, warnRunsAttempt } from "../target.ts";

export const watch: Command = {
  name: "watch",
  options: { ...TARGET_OPTIONS, poll: { type: "boolean" } },
  min: 0,
  max: 2,
  async run(ctx, { values, positionals }) {
    const kata = positionals[0] ? findKata(ctx, positionals[0]) : await firstUnfinished(ctx);
    const stages = positionals[1] === undefined ? undefined : [findStage(ctx, kata, positionals[1]).stage];
    const target = targetOf(ctx, values);
    const dir = targetDir(ctx, kata, target);
    const value = targetValue(target, dir);
    // Said once, under the first run's header (a terminal's screen is cleared before it).
    let warn = target.impl !== undefined;
    const poll = values.poll === true;
    const live = liveFailure(ctx, kata);
    // One vitest kept warm for the whole watch: a save re-runs the tests without starting vitest again.
    const session = new Session(kata.dir, { target: value, env: testEnv(ctx), onTestEnd: live.onTestEnd });
    const runOnce = async (changed: string[]) => {
      if (ctx.io.stdout.isTTY) ctx.io.stdout.write("\u001b[2J\u001b[H");
      const where = path.relative(ctx.io.cwd, dir) || dir;
      const polling = poll ? ctx.t("watch.polling") : "";
      // "23:50:45 GMT...": a 24-hour clock reads the same in every language (Node may lack the locale's format).
      const time = new Date().toTimeString().slice(0, 8);
      ctx.out(ctx.style.dim(ctx.t("watch.header", { time, where, poll: polling })));
      if (warn) warnRunsAttempt(ctx, dir);
      warn = false;
      live.shown = undefined;
      const outcome = await session.run(stageFiles(kata, stages), changed);
      ctx.out(header(ctx, kata, targetLabel(target)));
      printResult(ctx, kata, byStage(kata, value, outcome, stages));
    };
    // Runs one at a time: the saves made meanwhile (100 ms apart at most) wait for the next run, all in one.
    let queue = Promise.resolve();
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const changed = (file: string) => {
      if (!file.endsWith(".ts")) return;
      pending.add(file);
      clearTimeout(timer);
      timer = setTimeout(() => {
        queue = queue.then(async () => {
          const files = [...pending];
          pending.clear();
          if (files.length > 0) await runOnce(files);
        });
      }, 100);
    };
    const watched = kata.programs.map((p) => path.join(dir, p.file));
    let watcher: FSWatcher | undefined;
    let parent: FSWatcher | undefined;
    // The folder, not each file: an editor that saves by writing a new file and renaming it over the old one
    // (vim, sed -i, "safe write") replaces the file, and a watch on the old file never fires again. The folder's
    // parent too: `kata reset`, git or an editor may replace the whole folder, and a watch on the old folder is
    // as deaf. When that happens the folder is watched afresh and the tests run again.
    const watchFolder = () => {
      watcher?.close();
      watcher = undefined;
      if (!existsSync(dir)) return;
      watcher = fsWatch(dir, (_event, file) => file && changed(path.join(dir, String(file))));
      watcher.on("error", () => watchFolder());
    };
    if (poll) for (const f of watched) watchFile(f, { interval: 300 }, () => changed(f));
    else {
      watchFolder();
      parent = fsWatch(path.dirname(dir), (_event, file) => {
        if (String(file) !== path.basename(dir)) return;
        watchFolder();
        for (const f of watched) changed(f);
      });
    }
    queue = runOnce([]);
    await queue;
    return new Promise<number>((resolve) => {
      const off = ctx.onInterrupt(() => {
        off();
        clearTimeout(timer);
        watcher?.close();
        parent?.close();
        for (const f of watched) unwatchFile(f);
        void session.close().then(() => {
          ctx.out("");
          resolve(0);
        });
      });
    });
  },
};

import { type FSWatcher, unwatchFile, watch as fsWatch, watchFile } from "node:fs";
import path from "node:path";

import { type Command, TARGET_OPTIONS, targetOf, testEnv } from "../command.ts";
import { findKata, findStage } from "../lookup.ts";
import { firstUnfinished } from "../next.ts";
import { failureBlock, printResult } from "../report.ts";
import { byStage, isNotDone, Session, stageFiles, type TestResult } from "../runner/index.ts";
import { stageOfFile } from "../runner/stages.ts";
import { targetDir, targetLabel, targetValue } from "../target.ts";

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
    const poll = values.poll === true;
    const { dim } = ctx.style;
    const files = stageFiles(kata, stages);
    let shown: TestResult | undefined;
    // One vitest kept warm for the whole watch: a save re-runs the tests without starting vitest again.
    const session = new Session(kata.dir, {
      target: targetValue(ctx, kata, target),
      env: testEnv(ctx),
      onTestEnd(t) {
        // A real failure goes on screen at once; a TODO waits for the summary (it only says what to do next).
        if (shown || t.status !== "failed" || isNotDone(t)) return;
        shown = t;
        ctx.out(failureBlock(ctx, kata, { ...t, stage: stageOfFile(kata, t.file) }));
        ctx.out();
      },
    });
    let running = false;
    const pending = new Set<string>();
    const runOnce = async (changed: string[]) => {
      if (ctx.io.stdout.isTTY) ctx.io.stdout.write("\u001b[2J\u001b[H");
      const where = path.relative(ctx.io.cwd, dir) || dir;
      ctx.out(
        dim(
          ctx.t("watch.header", {
            time: new Date().toLocaleTimeString(),
            where,
            poll: poll ? ctx.t("watch.polling") : "",
          }),
        ),
      );
      shown = undefined;
      const outcome = await session.run(files, changed);
      printResult(
        ctx,
        kata,
        byStage(kata, targetValue(ctx, kata, target), outcome, stages),
        targetLabel(target),
        {
          shown,
        },
      );
    };
    const drain = async () => {
      if (running) return;
      running = true;
      try {
        while (pending.size > 0 || first) {
          first = false;
          const changed = [...pending];
          pending.clear();
          await runOnce(changed);
        }
      } finally {
        running = false;
      }
    };
    let first = true;
    let timer: NodeJS.Timeout | undefined;
    const changed = (file: string) => {
      if (!file.endsWith(".ts")) return;
      pending.add(file);
      clearTimeout(timer);
      timer = setTimeout(() => void drain(), 100);
    };
    const watched = kata.programs.map((p) => path.join(dir, p.file));
    let watcher: FSWatcher | undefined;
    if (poll) for (const f of watched) watchFile(f, { interval: 300 }, () => changed(f));
    else
      watcher = fsWatch(
        dir,
        { recursive: true },
        (_event, file) => file && changed(path.join(dir, String(file))),
      );
    await drain();
    return new Promise<number>((resolve) => {
      const off = ctx.onInterrupt(() => {
        off();
        clearTimeout(timer);
        watcher?.close();
        for (const f of watched) unwatchFile(f);
        void session.close().then(() => {
          ctx.out("");
          resolve(0);
        });
      });
    });
  },
};

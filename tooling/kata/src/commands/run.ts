import { type ProgramEvent, spawnProgram } from "@tcp-katas/shared/boundary";

import { type Command, TARGET_OPTIONS, targetOf } from "../command.ts";
import { findKata } from "../lookup.ts";
import { programFile } from "../programs.ts";
import { targetDir, warnRunsAttempt } from "../target.ts";

/**
 * Runs a program in this terminal, as `tsx <file> args` would, and passes its exit code on. It runs behind the
 * test boundary (so an attempt anywhere finds the kata's packages), which also tells the port a server really
 * listens on: when that is not the port asked for (htons() forgotten), the CLI says so.
 */
export const run: Command = {
  name: "run",
  options: TARGET_OPTIONS,
  min: 2,
  max: Number.POSITIVE_INFINITY,
  async run(ctx, { values, positionals }) {
    const [id, name, ...args] = positionals;
    const kata = findKata(ctx, id);
    const target = targetOf(ctx, values);
    const dir = targetDir(ctx, kata, target);
    const file = programFile(ctx, kata, dir, name);
    if (target.impl) warnRunsAttempt(ctx, dir);
    const child = await spawnProgram({ file, resolveFrom: kata.dir }, args, {
      stdio: "inherit",
      cwd: ctx.io.cwd,
      env: ctx.io.env,
    });
    let portAt = -1;
    child.on("message", (m: ProgramEvent) => {
      if (m.type === "params") portAt = m.params.indexOf("<port>");
      // NaN when the program takes no port or was given none.
      const asked = Number(args[portAt]);
      if (m.type === "listening" && asked > 0 && m.port !== asked)
        ctx.err(ctx.style.bad(ctx.t("run.otherPort", { actual: m.port, asked })));
    });
    // The program gets Ctrl-C from the terminal itself; the CLI only waits for it to end.
    const off = ctx.onInterrupt(() => undefined);
    return new Promise((resolve) => {
      child.on("close", (code, signal) => {
        off();
        resolve(code ?? (signal === "SIGINT" ? 130 : 1));
      });
    });
  },
};

import { spawn } from "node:child_process";

import { type Command, TARGET_OPTIONS, targetOf } from "../command.ts";
import { findKata } from "../lookup.ts";
import { programFile, tsxLoader } from "../programs.ts";
import { targetDir } from "../target.ts";

/** Runs a program in this terminal, as `tsx <file> args` would, and passes its exit code on. */
export const run: Command = {
  name: "run",
  options: TARGET_OPTIONS,
  min: 2,
  max: Number.POSITIVE_INFINITY,
  async run(ctx, { values, positionals }) {
    const [id, name, ...args] = positionals;
    const kata = findKata(ctx, id);
    const file = programFile(ctx, kata, targetDir(ctx, kata, targetOf(ctx, values)), name);
    const child = spawn(process.execPath, ["--import", tsxLoader(kata), file, ...args], {
      stdio: "inherit",
      cwd: ctx.io.cwd,
      env: ctx.io.env,
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

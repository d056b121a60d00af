import { kataAt } from "@tcp-katas/katas";

import { type Command, usageLine } from "../command.ts";
import { usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";

/**
 * The maintainers' commands, kept out of the learner's help: `kata dev check [<kata> | .]` (a kata's starters
 * unsolved, its wrong attempts caught, its programs under the fault suite) and `kata dev flake [N]`.
 */
export const dev: Command = {
  name: "dev",
  min: 1,
  max: 2,
  async run(ctx, { positionals }) {
    const [sub, arg] = positionals;
    if (sub === "flake") return (await import("../dev/flake.ts")).flake(ctx, arg);
    if (sub !== "check")
      throw usageError(`${ctx.t("dev.unknown", { sub: sub ?? "" })}\n${usageLine(ctx, "dev")}`);
    const { devCheck } = await import("../dev/check.ts");
    let chosen;
    if (arg === ".") {
      const here = kataAt(ctx.katas(), ctx.io.scriptCwd ?? ctx.io.cwd) ?? kataAt(ctx.katas(), ctx.io.cwd);
      if (!here) throw usageError(ctx.t("dev.notKata", { dir: ctx.io.cwd }));
      chosen = [here];
    } else chosen = arg ? [findKata(ctx, arg)] : ctx.katas();
    let code = 0;
    for (const kata of chosen) code = Math.max(code, await devCheck(ctx, kata));
    return code;
  },
};

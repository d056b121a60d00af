import { existsSync, statSync } from "node:fs";
import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import type { Ctx } from "./context.ts";
import { usageError } from "./errors.ts";

/** What a command runs against: the kata's starter/ (default), its solution/, or any attempt folder. */
export interface Target {
  solution?: boolean;
  impl?: string;
}

/** The folder a target names, checked; a relative --impl is relative to where the user ran the command. */
export function targetDir(ctx: Ctx, kata: Kata, target: Target): string {
  const dir = target.solution
    ? path.join(kata.dir, "solution")
    : target.impl
      ? path.resolve(ctx.io.cwd, target.impl)
      : path.join(kata.dir, "starter");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(ctx.t("target.missing", { dir }));
  return dir;
}

/** What KATA_TARGET should be for a target whose folder is `dir`: "starter", "solution" or that folder. */
export function targetValue(target: Target, dir: string): string {
  return target.solution ? "solution" : target.impl ? dir : "starter";
}

export function targetLabel(target: Target): string {
  return target.solution ? "solution/" : (target.impl ?? "starter/");
}

/**
 * Said once, on stderr, before an attempt's code runs: it runs with the user's rights (a study partner's code
 * can do anything the user can). On stderr, so a review's Markdown on stdout stays what is posted.
 */
export function warnRunsAttempt(ctx: Ctx, dir: string): void {
  ctx.err(ctx.errStyle.warn(ctx.t("target.runsCode", { dir })));
}

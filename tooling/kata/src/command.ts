import type { Ctx } from "./context.ts";
import { usageError } from "./errors.ts";
import type { MessageKey } from "./i18n.ts";
import type { Target } from "./target.ts";

export type OptionSpec = { type: "boolean" | "string"; short?: string };

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One `pnpm kata <name>` command (its usage and summary are the catalogue's usage.<name> and summary.<name>). Commands never import each other: what they share lives in its own module. */
export interface Command {
  name: string;
  options?: Record<string, OptionSpec>;
  /** How many positional arguments it takes. */
  min: number;
  max: number;
  run(ctx: Ctx, parsed: Parsed): Promise<number>;
}

export const TARGET_OPTIONS = {
  solution: { type: "boolean" },
  impl: { type: "string" },
} as const satisfies Record<string, OptionSpec>;

export function targetOf(ctx: Ctx, values: Parsed["values"]): Target {
  const solution = values.solution === true;
  const impl = typeof values.impl === "string" ? values.impl : undefined;
  if (solution && impl) throw usageError(ctx.t("target.both"));
  return { solution, ...(impl ? { impl } : {}) };
}

/** The environment a kata's tests run with: the learner's language, whatever chose it. */
export function testEnv(ctx: Ctx): NodeJS.ProcessEnv {
  return { KATA_LANG: ctx.lang };
}

/** "Usage: pnpm kata check <kata> [stage] ...": a command's line from the catalogue (usage.<name>). */
export function usageLine(ctx: Ctx, name: string): string {
  return `${ctx.t("help.usage")} pnpm ${ctx.t(`usage.${name}` as MessageKey)}`;
}

import { parseArgs } from "node:util";

import type { Command, OptionSpec, Parsed } from "./command.ts";
import { capture } from "./commands/capture.ts";
import { check } from "./commands/check.ts";
import { demo } from "./commands/demo.ts";
import { devCheckCommand } from "./commands/dev-check.ts";
import { flake } from "./commands/flake.ts";
import { hint } from "./commands/hint.ts";
import { lang } from "./commands/lang.ts";
import { list } from "./commands/list.ts";
import { scaffold } from "./commands/new.ts";
import { reset } from "./commands/reset.ts";
import { review } from "./commands/review.ts";
import { run } from "./commands/run.ts";
import { watch } from "./commands/watch.ts";
import { type CliIo, Ctx, processIo } from "./context.ts";
import { CliError, usageError } from "./errors.ts";
import { killAllSessions } from "./runner/session.ts";

export const COMMANDS: readonly Command[] = [
  list,
  check,
  watch,
  hint,
  run,
  demo,
  capture,
  reset,
  review,
  scaffold,
  lang,
  devCheckCommand,
  flake,
];

const HELP: OptionSpec = { type: "boolean", short: "h" };

function usage(ctx: Ctx, command?: Command): string {
  const { bold, dim } = ctx.style;
  if (command) return `${ctx.t("help.usage")} pnpm ${ctx.t(command.usage)}\n${ctx.t(command.summary)}`;
  const width = Math.max(...COMMANDS.map((c) => ctx.t(c.usage).length));
  return [
    bold("pnpm kata <command>") + dim(`  — ${ctx.t("help.tagline")}`),
    "",
    ...COMMANDS.map((c) => `  ${ctx.t(c.usage).padEnd(width)}  ${ctx.t(c.summary)}`),
    "",
    dim(ctx.t("help.footer")),
  ].join("\n");
}

/**
 * `run` hands everything after the program's name to the program, untouched, except the CLI's own target flags
 * (`--solution`, `--impl DIR`, `--impl=DIR`) wherever they are; `--` ends even those.
 */
function splitRunArgs(rest: string[]): { own: string[]; program: string[] } {
  const own: string[] = [];
  const program: string[] = [];
  let passThrough = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (passThrough) program.push(a);
    else if (a === "--") passThrough = true;
    else if (a === "--solution" || a === "--help" || a === "-h" || a.startsWith("--impl=")) own.push(a);
    else if (a === "--impl") {
      own.push(a);
      if (i + 1 < rest.length) own.push(rest[++i] as string);
    } else if (own.length + program.length < 2 && !a.startsWith("-")) own.push(a);
    else program.push(a);
  }
  return { own, program };
}

function parse(ctx: Ctx, command: Command, args: string[]): Parsed & { help: boolean } {
  const isRun = command.name === "run";
  const { own, program } = isRun ? splitRunArgs(args) : { own: args, program: [] };
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...command.options, help: HELP },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's own message names the flag ("Unknown option '--bogus'"); the command's usage says what it takes.
    throw usageError(`${(err as Error).message}\n${ctx.t("help.usage")} pnpm ${ctx.t(command.usage)}`);
  }
  const positionals = [...parsed.positionals, ...program];
  const help = parsed.values.help === true;
  if (!help && positionals.length < command.min)
    throw usageError(`${ctx.t("help.missing")}\n${ctx.t("help.usage")} pnpm ${ctx.t(command.usage)}`);
  if (!help && positionals.length > command.max)
    throw usageError(
      `${ctx.t("help.extra", { args: positionals.slice(command.max).join(" ") })}\n${ctx.t("help.usage")} pnpm ${ctx.t(command.usage)}`,
    );
  return { values: parsed.values, positionals, help };
}

/** The whole CLI as a function: tests call it in-process with their own streams and folder. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx = new Ctx(io);
  const [first = "list", ...rest] = argv;
  // Ctrl-C stops the tests and everything they started, then the CLI (watch and run end in their own way).
  const off = ctx.onInterrupt(() => {
    killAllSessions();
    if (first !== "watch" && first !== "run") process.exit(130);
  });
  try {
    if (first === "--help" || first === "-h" || first === "help") {
      const command = COMMANDS.find((c) => c.name === rest[0]);
      ctx.out(usage(ctx, command));
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) throw usageError(`${ctx.t("help.unknownCommand", { command: first })}\n\n${usage(ctx)}`);
    const parsed = parse(ctx, command, rest);
    if (parsed.help) {
      ctx.out(usage(ctx, command));
      return 0;
    }
    return await command.run(ctx, parsed);
  } catch (err) {
    if (err instanceof CliError) {
      ctx.err(ctx.errStyle.bad(err.message));
      return err.exitCode;
    }
    throw err;
  } finally {
    off();
  }
}

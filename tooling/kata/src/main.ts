import { parseArgs } from "node:util";

import { KataError } from "@tcp-katas/shared/cli";

import { type Command, type Parsed, usageLine } from "./command.ts";
import { type CliIo, Ctx, processIo } from "./context.ts";
import { usageError } from "./errors.ts";
import type { MessageKey } from "./i18n.ts";
import { killAllSessions } from "./runner/session.ts";

/** In the help's order, each loaded only when run: `pnpm kata hint` need not load prettier (for `new`) or vitest. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import("./commands/list.ts")).list,
  check: async () => (await import("./commands/check.ts")).check,
  watch: async () => (await import("./commands/watch.ts")).watch,
  hint: async () => (await import("./commands/hint.ts")).hint,
  run: async () => (await import("./commands/run.ts")).run,
  trace: async () => (await import("./commands/trace.ts")).trace,
  demo: async () => (await import("./commands/demo.ts")).demo,
  capture: async () => (await import("./commands/capture.ts")).capture,
  reset: async () => (await import("./commands/reset.ts")).reset,
  review: async () => (await import("./commands/review.ts")).review,
  new: async () => (await import("./commands/new.ts")).scaffold,
  lang: async () => (await import("./commands/lang.ts")).lang,
  dev: async () => (await import("./commands/dev.ts")).dev,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);
/** The commands the learner's help lists: `dev` is the maintainers' (see CONTRIBUTING.md). */
const LEARNER_COMMANDS = COMMAND_NAMES.filter((c) => c !== "dev");

function usage(ctx: Ctx, name?: string): string {
  const { bold, dim } = ctx.style;
  if (name) return `${usageLine(ctx, name)}\n${ctx.t(`summary.${name}` as MessageKey)}`;
  return [
    bold("pnpm kata <command>") + dim(`  — ${ctx.t("help.tagline")}`),
    "",
    ...LEARNER_COMMANDS.map(
      (c) =>
        `  ${bold(`pnpm ${ctx.t(`usage.${c}` as MessageKey)}`)}\n      ${ctx.t(`summary.${c}` as MessageKey)}`,
    ),
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
  const { own, program } = command.name === "run" ? splitRunArgs(args) : { own: args, program: [] };
  const refuse = (why: string) => usageError(`${why}\n${usageLine(ctx, command.name)}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's own message names the flag ("Unknown option '--bogus'"); the command's usage says what it takes.
    throw refuse((err as Error).message);
  }
  const positionals = [...parsed.positionals, ...program];
  const help = parsed.values.help === true;
  if (!help && positionals.length < command.min) throw refuse(ctx.t("help.missing"));
  if (!help && positionals.length > command.max)
    throw refuse(ctx.t("help.extra", { args: positionals.slice(command.max).join(" ") }));
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
      ctx.out(usage(ctx, rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? rest[0] : undefined));
      return 0;
    }
    const load = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!load) throw usageError(`${ctx.t("help.unknownCommand", { command: first })}\n\n${usage(ctx)}`);
    const command = await load();
    const parsed = parse(ctx, command, rest);
    if (parsed.help) {
      ctx.out(usage(ctx, command.name));
      return 0;
    }
    return await command.run(ctx, parsed);
  } catch (err) {
    // An expected failure (a bad kata.json, no workspace, a usage error): its message, no stack.
    if (err instanceof KataError) {
      ctx.err(ctx.errStyle.bad(err.message));
      return err.code === "KATA_USAGE" ? 2 : 1;
    }
    throw err;
  } finally {
    off();
  }
}

import { parseArgs } from "node:util";

import { check } from "./commands/check.ts";
import { demo, demoAll } from "./commands/demo.ts";
import { devCheck } from "./commands/dev-check.ts";
import { flake } from "./commands/flake.ts";
import { hint } from "./commands/hint.ts";
import { list } from "./commands/list.ts";
import { scaffold } from "./commands/new.ts";
import { reset } from "./commands/reset.ts";
import { review } from "./commands/review.ts";
import { run } from "./commands/run.ts";
import { watch } from "./commands/watch.ts";
import { CliError } from "./errors.ts";
import { findKata, type Kata, loadKatas } from "./katas.ts";
import { bad, bold, dim } from "./style.ts";
import { allDone, runKata } from "./vitest-run.ts";

/** The kata to watch when none is named: the first whose starter does not pass yet. */
async function firstUnfinished(katas: Kata[]): Promise<Kata> {
  for (const kata of katas) {
    const result = await runKata(kata, "starter");
    if (!allDone(result)) return kata;
  }
  const last = katas.at(-1);
  if (!last) throw new CliError("There are no katas under chapters/.");
  return last;
}

const HELP: Record<string, string> = {
  list: "kata list                     The progress board: every kata and stage, for your starter/ code.",
  check:
    "kata check <kata> [--solution | --impl DIR]   Run a kata's tests; a summary by stage and the first failure.",
  watch:
    "kata watch [<kata>] [--solution | --impl DIR] [--poll]   Re-run on every save (--poll where file events fail).",
  hint: "kata hint <kata> [stage]      The next hint for the current (or given) stage; one more on each call.",
  run: "kata run <kata> <program> [args...] [--solution | --impl DIR]   Run a program, as in a terminal.",
  demo: "kata demo [<kata>]            Play the chapter with the reference programs on free loopback ports.",
  reset: "kata reset <kata> [--yes]     Restore the starter (your files are backed up in .kata/backups/).",
  review: "kata review <kata> --impl DIR | --all ROOT   A Markdown report for a pull request.",
  new: 'kata new <id> "<title>"       Scaffold a new kata package for the chapters to come.',
  "dev-check":
    "kata dev-check [<kata>|.]     Maintainers: prove every starter unsolved and every hint present.",
  flake:
    "kata flake [N]                Run every suite N times (default 10) with a busy CPU; list tests that failed.",
};

function usage(command?: string): string {
  if (command && HELP[command]) return `Usage: pnpm ${HELP[command]}`;
  return [
    bold("pnpm kata <command>") + dim("  — TCP/IP socket katas, chapter 04"),
    "",
    ...Object.values(HELP).map((h) => `  ${h}`),
    "",
    dim("Kata ids may be shortened: 04-3, q7. Add --help to any command."),
  ].join("\n");
}

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  solution: { type: "boolean" },
  impl: { type: "string" },
  all: { type: "string" },
  yes: { type: "boolean", short: "y" },
  poll: { type: "boolean" },
} as const;

async function main(argv: string[]): Promise<number> {
  const [command = "list", ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(usage(rest[0]));
    return 0;
  }
  if (!(command in HELP)) throw new CliError(`Unknown command "${command}".\n\n${usage()}`, 2);
  // `run` passes everything after the program name on to the program untouched.
  const runArgs =
    command === "run" ? rest.slice(2).filter((a) => a !== "--solution" && !a.startsWith("--impl")) : [];
  const { values, positionals } = parseArgs({
    args:
      command === "run"
        ? [...rest.slice(0, 2), ...rest.slice(2).filter((a) => a === "--solution" || a.startsWith("--impl"))]
        : rest,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(usage(command));
    return 0;
  }
  if (values.solution && values.impl) throw new CliError("Give --solution or --impl DIR, not both.", 2);
  const target = { solution: values.solution, impl: values.impl };
  const katas = () => loadKatas();
  switch (command) {
    case "list":
      return list(katas());
    case "check":
      return check(findKata(positionals[0], katas()), target);
    case "watch":
      return watch(
        positionals[0] ? findKata(positionals[0], katas()) : await firstUnfinished(katas()),
        target,
        values.poll ?? false,
      );
    case "hint":
      return hint(findKata(positionals[0], katas()), positionals[1]);
    case "run":
      return run(findKata(positionals[0], katas()), positionals[1], runArgs, target);
    case "demo":
      if (positionals[0]) {
        await demo(findKata(positionals[0], katas()));
        return 0;
      }
      return demoAll(katas());
    case "reset":
      return reset(findKata(positionals[0], katas()), values.yes ?? false);
    case "review":
      return review(findKata(positionals[0], katas()), values.impl, values.all);
    case "new":
      return scaffold(positionals[0], positionals[1]);
    case "dev-check": {
      const all = katas();
      const chosen =
        positionals[0] === "." || !positionals[0]
          ? all.filter((k) => k.dir === process.cwd())
          : [findKata(positionals[0], all)];
      let code = 0;
      for (const kata of chosen.length ? chosen : all) code = Math.max(code, await devCheck(kata));
      return code;
    }
    case "flake": {
      const n = positionals[0] === undefined ? 10 : Number(positionals[0]);
      if (!Number.isInteger(n) || n < 1)
        throw new CliError(`N must be a whole number >= 1, got "${positionals[0]}".`, 2);
      return flake(katas(), n);
    }
    default:
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CliError) {
    console.error(bad(err.message));
    process.exitCode = err.code;
  } else if (String((err as { code?: unknown } | null)?.code).startsWith("ERR_PARSE_ARGS")) {
    // Bad flags: say which, without a stack trace.
    console.error(bad((err as Error).message));
    process.exitCode = 2;
  } else {
    throw err;
  }
}

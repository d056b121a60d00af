import type { ProgramIO } from "../internal/context.ts";
import { isIPv4 } from "../posix/byte-order.ts";
import { ProgramExit } from "./errors.ts";

/** A port argument: decimal digits, 0 to 65535 (0 asks the OS for a free port). Undefined if malformed. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function problem(param: string, value: string): string | undefined {
  if (param === "<port>" && parsePort(value) === undefined) {
    return `<port> must be a whole number from 0 to 65535, got ${JSON.stringify(value)}`;
  }
  if (param === "<IP>" && !isIPv4(value)) {
    return `<IP> must be an IPv4 address such as 127.0.0.1, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/**
 * The listings' `if (argc != N)` check, plus the checks they skipped: prints `Usage : <name> <params>` (and what
 * was wrong with a value) to stderr and exits 1; otherwise returns the arguments.
 */
export function checkArgs(
  name: string,
  params: readonly string[],
  args: readonly string[],
  io: ProgramIO,
): string[] {
  const usage = `Usage : ${[name, ...params].join(" ")}\n`;
  if (args.length !== params.length) {
    io.stderr.write(usage);
    throw new ProgramExit(1);
  }
  for (const [i, param] of params.entries()) {
    const why = problem(param, args[i] as string);
    if (why) {
      io.stderr.write(`${usage}${why}\n`);
      throw new ProgramExit(1);
    }
  }
  return [...args];
}

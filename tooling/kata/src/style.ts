import { styleText } from "node:util";

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or when piped; FORCE_COLOR wins. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export function createStyle(color: boolean) {
  // styleText checks the process's own stream; the decision here is ours (per stream), so force it.
  const paint = (format: Parameters<typeof styleText>[0], t: string) =>
    color ? styleText(format, t, { validateStream: false }) : t;
  return {
    paint,
    ok: (t: string) => paint("green", t),
    bad: (t: string) => paint("red", t),
    dim: (t: string) => paint("dim", t),
    bold: (t: string) => paint("bold", t),
    warn: (t: string) => paint("yellow", t),
    accent: (t: string) => paint("cyan", t),
  };
}

export type Style = ReturnType<typeof createStyle>;

import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

export interface Style {
  readonly color: boolean;
  readonly ok: (t: string) => string;
  readonly bad: (t: string) => string;
  readonly dim: (t: string) => string;
  readonly bold: (t: string) => string;
  readonly warn: (t: string) => string;
  readonly accent: (t: string) => string;
  readonly paint: (format: Format, t: string) => string;
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or when piped; FORCE_COLOR wins. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export function createStyle(color: boolean): Style {
  // styleText checks the process's own stream; the decision here is ours (per stream), so force it.
  const paint = (format: Format, t: string) => (color ? styleText(format, t, { validateStream: false }) : t);
  return {
    color,
    paint,
    ok: (t) => paint("green", t),
    bad: (t) => paint("red", t),
    dim: (t) => paint("dim", t),
    bold: (t) => paint("bold", t),
    warn: (t) => paint("yellow", t),
    accent: (t) => paint("cyan", t),
  };
}

import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or when piped; FORCE_COLOR wins. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  return stream.isTTY === true && process.env.TERM !== "dumb";
}

export function paint(format: Format, text: string, stream?: NodeJS.WriteStream): string {
  return useColor(stream) ? styleText(format, text) : text;
}

export const ok = (t: string) => paint("green", t);
export const bad = (t: string) => paint("red", t);
export const dim = (t: string) => paint("dim", t);
export const bold = (t: string) => paint("bold", t);
export const warn = (t: string) => paint("yellow", t);
export const accent = (t: string) => paint("cyan", t);

/** A one-line progress bar, redrawn in place on a terminal; nothing at all when piped. */
export function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(
    `\r${"█".repeat(filled)}${"░".repeat(width - filled)} ${done}/${total} ${label}`.padEnd(80),
  );
  if (done === total) process.stderr.write("\r".padEnd(81) + "\r");
}

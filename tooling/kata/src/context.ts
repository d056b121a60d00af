import type { Readable, Writable } from "node:stream";

import { findWorkspace, type Kata, loadKatas } from "@tcp-katas/katas";
import { type Catalogue, resolveLang, stateDir } from "@tcp-katas/shared/i18n";

import { CliError } from "./errors.ts";
import { availableLangs, loadCatalogue, type MessageKey } from "./i18n.ts";
import { createStyle, type Style, useColor } from "./style.ts";

/** What the CLI reads and writes: the process's own by default, a test's in-process. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where the user typed the command (pnpm's INIT_CWD): relative paths given by the user start here. */
  cwd: string;
  /** The process's own folder: a package script's package (`kata dev check .` in a kata's test:dev). */
  scriptCwd?: string;
  /** Called on Ctrl-C; returns a function that stops listening. Defaults to the process's SIGINT. */
  onInterrupt?: (fn: () => void) => () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    // `pnpm kata` runs in the workspace root; INIT_CWD is where the user typed it.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    scriptCwd: process.cwd(),
    onInterrupt(fn) {
      process.on("SIGINT", fn);
      return () => process.off("SIGINT", fn);
    },
  };
}

/** One command's run: its streams, language, colours, and the workspace (found from the current folder). */
export class Ctx {
  readonly style: Style;
  readonly errStyle: Style;
  readonly #catalogue: Catalogue<MessageKey>;
  #root: string | undefined;
  #katas: Kata[] | undefined;

  constructor(readonly io: CliIo) {
    this.style = createStyle(useColor(io.stdout, io.env));
    this.errStyle = createStyle(useColor(io.stderr, io.env));
    this.#catalogue = loadCatalogue(resolveLang(io.env, io.cwd, availableLangs()));
  }

  get lang(): string {
    return this.#catalogue.lang;
  }

  t(key: MessageKey, params?: Record<string, string | number>): string {
    return this.#catalogue.t(key, params);
  }

  /** A text in the chosen language from a kata.json field ({ en, ko, ... }). */
  text(value: { en: string; [lang: string]: string }): string {
    return value[this.lang] ?? value.en;
  }

  out(text = ""): void {
    this.io.stdout.write(`${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  get root(): string {
    return (this.#root ??= findWorkspace(this.io.cwd));
  }

  get stateDir(): string {
    return stateDir(this.io.env, this.root) ?? this.root;
  }

  /** Every kata checked out, validated. */
  katas(): Kata[] {
    this.#katas ??= loadKatas(this.root);
    if (this.#katas.length === 0) throw new CliError(this.t("error.noKatas", { root: this.root }));
    return this.#katas;
  }

  /** Ctrl-C: the CLI stops what it runs (vitest, programs) before it exits. */
  onInterrupt(fn: () => void): () => void {
    return this.io.onInterrupt?.(fn) ?? (() => undefined);
  }

  /** A one-line progress bar on a terminal (stderr); nothing when piped. */
  progress(done: number, total: number, label: string): void {
    if (!this.io.stderr.isTTY) return;
    const width = 24;
    const filled = Math.round((done / Math.max(1, total)) * width);
    this.io.stderr.write(
      `\r${"█".repeat(filled)}${"░".repeat(width - filled)} ${done}/${total} ${label}`.padEnd(80),
    );
    if (done === total) this.io.stderr.write(`\r${" ".repeat(80)}\r`);
  }
}

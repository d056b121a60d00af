import type { ChildProcess } from "node:child_process";
import path from "node:path";

import type { DemoStep, Kata } from "@tcp-katas/katas";
import { type ProgramEvent, spawnProgram } from "@tcp-katas/shared/boundary";

import type { Ctx } from "./context.ts";
import { CliError } from "./errors.ts";

const COLORS = ["cyan", "magenta", "yellow", "green", "blue"] as const;
const STEP_DEADLINE_MS = 15_000;

/** One reference program on stage (behind the boundary, which tells its port): its output, line by line, labelled. */
class Actor {
  /** The last line, not finished yet (a prompt). */
  #pending = "";
  #seen = "";
  #waiters: (() => void)[] = [];
  #code: number | undefined;
  port: number | undefined;

  constructor(
    private readonly ctx: Ctx,
    readonly name: string,
    private readonly color: (typeof COLORS)[number],
    readonly child: ChildProcess,
    command: string,
  ) {
    this.#say(ctx.style.dim(command));
    // Decoded as a stream: a character split between two chunks stays whole.
    for (const stream of [child.stdout, child.stderr])
      stream?.setEncoding("utf8").on("data", (d: string) => this.#output(d));
    child.stdin?.on("error", () => undefined);
    child.on("message", (m: ProgramEvent) => {
      if (m.type !== "listening") return;
      this.port = m.port;
      this.#say(ctx.style.dim(ctx.t("demo.listening", { port: m.port })));
      this.#wake();
    });
    child.on("close", (code, signal) => {
      if (this.#pending) this.#say(this.#pending);
      this.#pending = "";
      this.#say(ctx.style.dim(ctx.t("demo.exited", { code: code ?? String(signal) })));
      this.#code = code ?? 1;
      this.#wake();
    });
  }

  #say(line: string): void {
    this.ctx.out(`${this.ctx.style.paint(this.color, `[${this.name}]`.padEnd(13))} ${line}`);
  }

  #output(text: string): void {
    this.#seen += text;
    const lines = (this.#pending + text).split("\n");
    this.#pending = lines.pop() ?? "";
    for (const line of lines) this.#say(line);
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits (by event) until `check` holds; fails the demo after a deadline, saying what it waited for. */
  async until(check: () => boolean, what: string): Promise<void> {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > STEP_DEADLINE_MS)
        throw new CliError(this.ctx.t("demo.timeout", { name: this.name, what }));
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 250).unref();
      });
    }
  }

  /** Types a line once the program shows a prompt (an unfinished line), as a person would wait for it. */
  async type(text: string): Promise<void> {
    await this.until(() => this.#pending.length > 0, this.ctx.t("demo.prompt"));
    this.#say(`${this.#pending}${this.ctx.style.bold(text)}`);
    this.#pending = "";
    this.child.stdin?.write(`${text}\n`);
  }

  async exited(): Promise<number> {
    await this.until(() => this.#code !== undefined, this.ctx.t("demo.exit"));
    return this.#code as number;
  }

  waitFor(text: string): Promise<void> {
    return this.until(() => this.#seen.includes(text), JSON.stringify(text));
  }
}

/** Plays a kata's demo script (or some of its steps) with its reference programs (solution/) on free loopback ports. */
export async function playDemo(ctx: Ctx, kata: Kata, steps: readonly DemoStep[] = kata.demo): Promise<void> {
  ctx.out(`\n${ctx.style.bold(`▶ ${kata.id}`)}  ${ctx.text(kata.title)}`);
  const actors = new Map<string, Actor>();
  let port: number | undefined;
  const actor = (name: string) => {
    const a = actors.get(name);
    if (!a) throw new CliError(ctx.t("demo.noActor", { id: kata.id, name }));
    return a;
  };
  try {
    for (const step of steps) {
      if ("note" in step) ctx.out(ctx.style.accent(`  ${ctx.text(step.note)}`));
      else if ("start" in step) {
        const args = step.args.map((a) => (a === "$PORT" ? String(port) : a));
        const file = path.join(kata.dir, "solution", step.program);
        const child = await spawnProgram({ file, resolveFrom: kata.dir }, args, {
          cwd: kata.dir,
          env: { ...ctx.io.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        });
        const color = COLORS[actors.size % COLORS.length] ?? "cyan";
        const command = `$ ${path.basename(step.program)} ${args.join(" ")}`;
        const a = new Actor(ctx, step.start, color, child, command);
        actors.set(step.start, a);
        if (kata.programs.find((p) => p.file === step.program)?.role === "server") {
          await a.until(() => a.port !== undefined || a.child.exitCode !== null, ctx.t("demo.listen"));
          port = a.port;
        }
      } else if ("wait" in step) await actor(step.wait).waitFor(step.for);
      else if ("type" in step) await actor(step.type).type(step.text);
      else if ("exit" in step) {
        const code = await actor(step.exit).exited();
        if (code !== 0) throw new CliError(ctx.t("demo.failedExit", { name: step.exit, code }));
      } else {
        actor(step.stop).child.kill("SIGINT");
        await actor(step.stop).exited();
      }
    }
  } finally {
    for (const a of actors.values()) if (a.child.exitCode === null) a.child.kill("SIGKILL");
  }
}

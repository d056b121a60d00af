import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { CliError } from "../errors.ts";
import type { Kata } from "../katas.ts";
import { accent, bold, dim, paint } from "../style.ts";
import { tsxLoader } from "./run.ts";

const COLORS = ["cyan", "magenta", "yellow", "green", "blue"] as const;
const STEP_DEADLINE_MS = 15_000;

/** One reference program on stage: its output shown line by line, labelled. */
class Actor {
  readonly child: ChildProcess;
  #pending = "";
  #seen = "";
  #waiters: (() => void)[] = [];
  #exit: Promise<number>;
  port: number | undefined;

  constructor(
    readonly name: string,
    readonly color: (typeof COLORS)[number],
    kata: Kata,
    file: string,
    args: string[],
  ) {
    this.child = spawn(process.execPath, ["--import", tsxLoader(kata), file, ...args], {
      cwd: kata.dir,
      env: { ...process.env, TCP_KATAS_IPC: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["pipe", "pipe", "pipe", "ipc"],
    });
    this.#say(dim(`$ ${path.basename(file)} ${args.join(" ")}`));
    this.child.stdout?.on("data", (d: Buffer) => this.#output(d.toString()));
    this.child.stderr?.on("data", (d: Buffer) => this.#output(d.toString()));
    this.child.on("message", (m: { type?: string; port?: number }) => {
      if (m.type === "listening" && typeof m.port === "number") {
        this.port = m.port;
        this.#say(dim(`(listening on 127.0.0.1:${m.port})`));
        this.#wake();
      }
    });
    this.#exit = new Promise((resolve) =>
      this.child.on("close", (code, signal) => {
        if (this.#pending) this.#say(this.#pending);
        this.#pending = "";
        this.#say(dim(`(exited with ${code ?? signal})`));
        resolve(code ?? 0);
        this.#wake();
      }),
    );
  }

  #say(line: string): void {
    console.log(`${paint(this.color, `[${this.name}]`.padEnd(11))} ${line}`);
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

  async until(check: () => boolean, what: string): Promise<void> {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > STEP_DEADLINE_MS)
        throw new CliError(`demo: timed out waiting for ${this.name} to ${what}.`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  waitFor(text: string): Promise<void> {
    return this.until(() => this.#seen.includes(text), `print ${JSON.stringify(text)}`);
  }

  /** Types a line once the program shows a prompt (an unfinished line), as a person would wait for it. */
  async type(text: string): Promise<void> {
    await this.until(() => this.#pending.length > 0, "prompt for input");
    this.#say(`${this.#pending}${bold(text)}`);
    this.#pending = "";
    this.child.stdin?.write(`${text}\n`);
  }

  async exited(): Promise<number> {
    let code = -1;
    void this.#exit.then((c) => (code = c));
    await this.until(() => code !== -1, "exit");
    return code;
  }

  stop(): Promise<number> {
    this.child.kill("SIGINT");
    return this.exited();
  }
}

/** Plays a kata's demo script with its reference programs (solution/) on free loopback ports. */
export async function demo(kata: Kata): Promise<void> {
  console.log(`\n${bold(`▶ ${kata.id}`)}  ${kata.title.en} ${dim(`/ ${kata.title.ko}`)}`);
  const actors = new Map<string, Actor>();
  let port: number | undefined;
  const actor = (name: string) => {
    const a = actors.get(name);
    if (!a) throw new CliError(`demo script of ${kata.id}: no actor "${name}" started`);
    return a;
  };
  try {
    for (const step of kata.demo) {
      if ("note" in step) console.log(accent(`  ${step.note.en}`) + dim(`  ${step.note.ko}`));
      else if ("start" in step) {
        const args = step.args.map((a) => (a === "$PORT" ? String(port) : a));
        const a = new Actor(
          step.start,
          COLORS[actors.size % COLORS.length] ?? "cyan",
          kata,
          path.join(kata.dir, "solution", step.program),
          args,
        );
        actors.set(step.start, a);
        if (step.args.includes("0")) {
          await a.until(() => a.port !== undefined, "listen");
          port = a.port;
        }
      } else if ("wait" in step) await actor(step.wait).waitFor(step.for);
      else if ("type" in step) await actor(step.type).type(step.text);
      else if ("exit" in step) {
        const code = await actor(step.exit).exited();
        if (code !== 0) throw new CliError(`demo: ${step.exit} exited with code ${code}.`);
      } else if ("stop" in step) await actor(step.stop).stop();
    }
  } finally {
    for (const a of actors.values()) if (a.child.exitCode === null) a.child.kill("SIGKILL");
  }
}

export async function demoAll(katas: Kata[]): Promise<number> {
  const withDemo = katas.filter((k) => k.demo.length > 0);
  if (withDemo.length === 0) throw new CliError("No kata has a demo script.");
  for (const kata of withDemo) await demo(kata);
  console.log(
    `\n${bold("That was the chapter.")} Next: ${accent("pnpm kata list")} to see your progress, then open chapters/04-2-basic/README.md.`,
  );
  return 0;
}

import { DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
import { Output, prefixed } from "./output.ts";

/** A starter's todo() reached: the test fails with the TODO text, at once. */
export class NotDoneYet extends Error {
  override readonly name = "NotDoneYet";
  /** How tools (the kata CLI) tell a starter's TODO from a real failure: by code, never by message text. */
  readonly code = "KATA_NOT_DONE";
}

/** What a test can do with a running program, in-process or as a child process. */
export abstract class ProgramRun {
  readonly stdout = new Output();
  readonly stderr = new Output();
  #code: number | undefined;
  #exited: Promise<number>;
  #resolveExit!: (code: number) => void;
  #port: Promise<number>;
  #resolvePort!: (port: number) => void;

  constructor(
    readonly label: string,
    readonly deadlineMs = DEFAULT_DEADLINE_MS,
  ) {
    this.#exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.#port = new Promise((resolve) => (this.#resolvePort = resolve));
  }

  /** Subclasses report the exit code and the listening port through these. */
  protected exited(code: number): void {
    if (this.#code !== undefined) return;
    this.#code = code;
    this.stdout.end();
    this.stderr.end();
    this.#resolveExit(code);
  }

  protected listening(port: number): void {
    this.#resolvePort(port);
  }

  /** The exit code, once the program has ended. */
  get exitCode(): number | undefined {
    return this.#code;
  }

  /** Both outputs, each line prefixed, for failure messages. */
  transcript(): string {
    return `${prefixed(`${this.label} stdout`, this.stdout.text)}\n${prefixed(`${this.label} stderr`, this.stderr.text)}`;
  }

  /** The TODO a starter stopped at, if any. */
  todo(): string | undefined {
    return /^TODO: (.*)$/m.exec(this.stderr.text)?.[1];
  }

  /** Rejects as soon as the program ends, saying it ended before `what` happened. */
  protected endedBefore(what: string): Promise<never> {
    return this.#exited.then((code) => {
      const todo = this.todo();
      if (todo !== undefined) throw new NotDoneYet(`Not done yet: TODO: ${todo}`);
      throw new Error(`${this.label} exited with code ${code} before ${what}.\n${this.transcript()}`);
    });
  }

  protected wait<T>(promise: Promise<T>, what: string, ms = this.deadlineMs): Promise<T> {
    return withDeadline(Promise.race([promise, this.endedBefore(what)]), what, ms, () => this.transcript());
  }

  /** The port the program listens on (learned as it listens, not from its output). */
  port(ms?: number): Promise<number> {
    return this.wait(this.#port, `${this.label} to listen`, ms);
  }

  /** Waits until stdout contains `text`. */
  async waitForStdout(
    text: string,
    what = `${this.label} to print ${JSON.stringify(text)}`,
    ms?: number,
  ): Promise<void> {
    const seen = this.stdout.until((o) => o.text.includes(text));
    await this.wait(seen, what, ms);
  }

  /** Waits until stdout holds `count` occurrences of `text`. */
  async waitForCount(text: string, count: number, what?: string, ms?: number): Promise<void> {
    const seen = this.stdout.until((o) => o.text.split(text).length - 1 >= count);
    await this.wait(seen, what ?? `${this.label} to print ${JSON.stringify(text)} ${count} time(s)`, ms);
  }

  /** Waits for the program to end and returns its exit code; a TODO fails the test with its text. */
  async waitForExit(what = `${this.label} to exit`, ms = this.deadlineMs): Promise<number> {
    const code = await withDeadline(this.#exited, what, ms, () => this.transcript());
    const todo = this.todo();
    if (todo !== undefined) throw new NotDoneYet(`Not done yet: TODO: ${todo}`);
    return code;
  }

  /** True until the program has ended (a plain check, no waiting). */
  get running(): boolean {
    return this.#code === undefined;
  }

  abstract write(text: string | Uint8Array): void;
  abstract endInput(): void;
  /** Asks the program to stop (SIGTERM as a child, the abort signal in-process). */
  abstract stop(): void;
}

import { KataError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";
import { DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
import { localLabel, Output, prefixed } from "./output.ts";

/** A starter's todo() reached: the test fails with the TODO text, at once (code KATA_NOT_DONE). */
export class NotDoneYet extends KataError {
  declare readonly code: "KATA_NOT_DONE";

  constructor(todo: string) {
    super("NotDoneYet", "KATA_NOT_DONE", msg("run.notDone", { todo }));
  }
}

/** The port as bind() stores it when htons() is forgotten on a little-endian machine: its two bytes swapped. */
function swapped(port: number): number {
  return ((port & 0xff) << 8) | (port >> 8);
}

/** What a test can do with a running program, in-process or as a child process. */
export abstract class ProgramRun {
  readonly stdout = new Output();
  readonly stderr = new Output();
  /** The label in the learner's language, as messages show it ("your server", "내 서버"). */
  readonly shownLabel: string;
  #code: number | undefined;
  #exited: Promise<number>;
  #resolveExit!: (code: number) => void;
  #port: Promise<number>;
  #resolvePort!: (port: number) => void;
  #askedPort: number | undefined;
  /** Rejects when the program did something that no wait can recover from (it listens on the wrong port). */
  #broken: Promise<never>;
  #break!: (err: Error) => void;

  constructor(
    readonly label: string,
    readonly deadlineMs = DEFAULT_DEADLINE_MS,
  ) {
    this.shownLabel = localLabel(label);
    this.#exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.#port = new Promise((resolve) => (this.#resolvePort = resolve));
    this.#broken = new Promise<never>((_, reject) => (this.#break = reject));
    this.#broken.catch(() => undefined);
  }

  /** Subclasses report the exit code and the listening port through these. */
  protected exited(code: number): void {
    if (this.#code !== undefined) return;
    this.#code = code;
    this.stdout.end();
    this.stderr.end();
    this.#resolveExit(code);
  }

  /**
   * Subclasses tell the program's parameters and arguments: when `<port>` was given a non-zero value, a program
   * that listens on another port fails every wait at once, saying which port and asking about htons().
   */
  protected expectPort(params: readonly string[] | undefined, args: readonly string[]): void {
    const at = params?.indexOf("<port>") ?? -1;
    const asked = at === -1 ? undefined : Number(args[at]);
    if (asked !== undefined && Number.isInteger(asked) && asked > 0 && asked <= 0xffff)
      this.#askedPort = asked;
  }

  protected listening(port: number): void {
    const asked = this.#askedPort;
    if (asked !== undefined && port !== asked) {
      const params = { label: this.shownLabel, actual: port, asked };
      // port() is left waiting: the failure below ends it, as it ends every other wait.
      this.#break(new Error(msg(port === swapped(asked) ? "run.wrongPortHtons" : "run.wrongPort", params)));
      return;
    }
    this.#resolvePort(port);
  }

  /** The exit code, once the program has ended. */
  get exitCode(): number | undefined {
    return this.#code;
  }

  /** Both outputs, each line prefixed, for failure messages. */
  transcript(): string {
    const out = prefixed(msg("label.stdout", { label: this.shownLabel }), this.stdout.text);
    const err = prefixed(msg("label.stderr", { label: this.shownLabel }), this.stderr.text);
    return `${out}\n${err}`;
  }

  /** The TODO a starter stopped at, if any. */
  todo(): string | undefined {
    return /^TODO: (.*)$/m.exec(this.stderr.text)?.[1];
  }

  /** Rejects as soon as the program ends, saying it ended before `what` happened. */
  protected endedBefore(what: string): Promise<never> {
    return this.#exited.then((code) => {
      const todo = this.todo();
      if (todo !== undefined) throw new NotDoneYet(todo);
      throw new Error(
        `${msg("run.exitedBefore", { label: this.shownLabel, code, what })}\n${this.transcript()}`,
      );
    });
  }

  /** Waits for `promise`, failing at once if the program ends or breaks first, and at the deadline otherwise. */
  protected wait<T>(promise: Promise<T>, what: string, ms = this.deadlineMs): Promise<T> {
    const failed = this.#brokenWithTranscript();
    return withDeadline(Promise.race([failed, promise, this.endedBefore(what)]), what, ms, () =>
      this.transcript(),
    );
  }

  #brokenWithTranscript(): Promise<never> {
    return this.#broken.catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${this.transcript()}`);
    });
  }

  /** The port the program listens on (learned as it listens, not from its output). */
  port(ms?: number): Promise<number> {
    return this.wait(this.#port, msg("run.what.listen", { label: this.shownLabel }), ms);
  }

  /** Waits until stdout contains `text`. */
  async waitForStdout(
    text: string,
    what = msg("run.what.print", { label: this.shownLabel, text: JSON.stringify(text) }),
    ms?: number,
  ): Promise<void> {
    const seen = this.stdout.until((o) => o.text.includes(text));
    await this.wait(seen, what, ms);
  }

  /** Waits until stdout holds `count` occurrences of `text`. */
  async waitForCount(text: string, count: number, what?: string, ms?: number): Promise<void> {
    const seen = this.stdout.until((o) => o.text.split(text).length - 1 >= count);
    await this.wait(
      seen,
      what ?? msg("run.what.printCount", { label: this.shownLabel, text: JSON.stringify(text), count }),
      ms,
    );
  }

  /** Waits for the program to end and returns its exit code; a TODO fails the test with its text. */
  async waitForExit(
    what = msg("run.what.exit", { label: this.shownLabel }),
    ms = this.deadlineMs,
  ): Promise<number> {
    const code = await withDeadline(
      Promise.race([this.#brokenWithTranscript(), this.#exited]),
      what,
      ms,
      () => this.transcript(),
    );
    const todo = this.todo();
    if (todo !== undefined) throw new NotDoneYet(todo);
    return code;
  }

  /**
   * Waits for the end and checks the exit code; a wrong one fails with both outputs, so the program's own
   * error line (a busy-loop lesson, a connect() error) is shown with it.
   */
  async expectExit(expected: number, ms = this.deadlineMs): Promise<void> {
    const code = await this.waitForExit(undefined, ms);
    if (code !== expected)
      throw new Error(
        `${msg("run.wrongExit", { label: this.shownLabel, code, expected })}\n${this.transcript()}`,
      );
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

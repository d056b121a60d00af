import { KataError } from "../cli/errors.ts";
import { msg } from "../i18n/messages.ts";
import type { TraceEvent, Waiting } from "../internal/context.ts";
import type { ProgramCommand, ProgramEvent } from "./boundary/protocol.ts";
import { bytesDiff, BytesMismatch, describeBytes, expectBytes, firstDifference } from "./bytes.ts";
import { DEFAULT_DEADLINE_MS, withDeadline } from "./deadline.ts";
import { localLabel, Output, prefixed } from "./output.ts";
import { byteSwapped } from "./ports.ts";

/** A starter's todo() reached: the test fails with the TODO text, at once (code KATA_NOT_DONE). */
export class NotDoneYet extends KataError {
  declare readonly code: "KATA_NOT_DONE";

  constructor(todo: string) {
    super("NotDoneYet", "KATA_NOT_DONE", msg("run.notDone", { todo }));
  }
}

/** The program did something no wait can recover from (code KATA_RUN): it exited, diverged, listens elsewhere. */
export class RunFailed extends KataError {
  declare readonly code: "KATA_RUN";

  constructor(message: string) {
    super("RunFailed", "KATA_RUN", message);
  }
}

/** How long a program has to answer a ping before it counts as not letting its event loop run. */
const PING_MS = 300;

/** The runs of this thread not ended yet: a wait that runs out of time also says where its peers are. */
const live = new Set<ProgramRun>();
const CLOSES = new Set(["close", "closesocket"]);

/** Where the programs of one test (but `except`) are now, a line each, for a wait that ran out of time. */
export async function whereRuns(group: unknown, except?: ProgramRun): Promise<string[]> {
  const runs = [...live].filter((run) => run.group === group && run !== except);
  return (await Promise.all(runs.map((run) => run.asPeer()))).filter(Boolean);
}

/** A learner's program behind the boundary, as a test sees it: output, port, calls, where it is blocked, exit. */
export abstract class ProgramRun {
  readonly stdout = new Output();
  readonly stderr = new Output();
  /** The posix/winsock calls it made so far, in order (live: it grows while the program runs). */
  readonly trace: TraceEvent[] = [];
  /** The label in the learner's language, as messages show it ("your server", "내 서버"). */
  readonly shownLabel: string;
  #code: number | undefined;
  #connections = 0;
  #blocked: Waiting | undefined;
  #port: number | undefined;
  #askedPort: number | undefined;
  readonly #args: readonly string[];
  /** Set when the run can no longer do anything a test waits for (it listens on the wrong port). */
  #broken: RunFailed | undefined;
  #loadError: string | undefined;
  #leftOpen: string[] = [];
  /** Those waiting for the next pong (a pong answers every ping sent before it). */
  readonly #pongs = new Set<(holding: number) => void>();
  /** Re-checked after every event: the waits in progress. */
  readonly #waits = new Set<() => void>();

  constructor(
    readonly label: string,
    args: readonly string[],
    readonly deadlineMs = DEFAULT_DEADLINE_MS,
  ) {
    this.shownLabel = localLabel(label);
    this.#args = args;
    live.add(this);
  }

  /** The test it was started in (set by run()): only runs of one group are peers, concurrent tests are not. */
  group: unknown;

  /** The run has been ended: it is no one's peer any more. */
  protected released(): void {
    live.delete(this);
  }

  /** What the carrier (worker, child process) received from the program. */
  protected receive(event: ProgramEvent): void {
    switch (event.type) {
      case "out":
        (event.stream === "stdout" ? this.stdout : this.stderr).push(Buffer.from(event.data));
        break;
      case "params": {
        const asked = Number(this.#args[event.params.indexOf("<port>")]);
        if (Number.isInteger(asked) && asked > 0 && asked <= 0xffff) this.#askedPort = asked;
        this.#checkPort();
        break;
      }
      case "listening":
        this.#port ??= event.port;
        this.#checkPort();
        break;
      case "connection":
        this.#connections += 1;
        break;
      case "call":
        this.trace.push(event.event);
        if (this.#blocked?.call === event.event.call) this.#blocked = undefined;
        break;
      case "wait":
        this.#blocked = event.waiting;
        break;
      case "exit":
        this.#leftOpen = event.leftOpen ?? [];
        this.exited(event.code);
        break;
      case "pong":
        for (const answer of this.#pongs) answer(event.holding);
        this.#pongs.clear();
        break;
    }
    this.#recheck();
  }

  /** Resolves when the program has ended or `ms` have passed, whichever comes first (it is not ended). */
  #settle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waits.delete(check);
        resolve();
      };
      const check = () => !this.running && done();
      const timer = setTimeout(done, ms);
      this.#waits.add(check);
    });
  }

  #recheck(): void {
    for (const check of [...this.#waits]) check();
  }

  /** The carrier says the program has ended (its last output already received). */
  protected exited(code: number): void {
    if (this.#code !== undefined) return;
    this.#code = code;
    this.#blocked = undefined;
    this.stdout.end();
    this.stderr.end();
    this.#recheck();
  }

  /** The file could not be bundled: the run ends at once, and every wait says why. */
  protected failedToLoad(message: string): void {
    this.#loadError = message;
    this.stderr.push(Buffer.from(`${message}\n`));
    this.exited(1);
  }

  /** When `<port>` was given a non-zero value, a program listening elsewhere fails every wait, asking about htons(). */
  #checkPort(): void {
    const [actual, asked] = [this.#port, this.#askedPort];
    if (asked === undefined || actual === undefined || actual === asked) return;
    const params = { label: this.shownLabel, actual, asked };
    this.#broken ??= new RunFailed(
      msg(actual === byteSwapped(asked) ? "run.wrongPortHtons" : "run.wrongPort", params),
    );
  }

  protected abstract send(command: ProgramCommand): void;
  /** Ends the program at once, whatever it is doing (the test is over, or it waited in vain). */
  abstract end(): Promise<void>;

  get exitCode(): number | undefined {
    return this.#code;
  }

  get running(): boolean {
    return this.#code === undefined;
  }

  /** How many connections its servers have taken (before accept(): Node takes them as they come). */
  get connections(): number {
    return this.#connections;
  }

  /** What its thread still held when main() returned, as Node names it ("TCPServerWrap", "Timeout"...). */
  get leftOpen(): readonly string[] {
    return this.#leftOpen;
  }

  get blockedIn(): Waiting | undefined {
    return this.#blocked;
  }

  write(data: string | Uint8Array): void {
    this.send({ type: "stdin", data: typeof data === "string" ? Buffer.from(data) : data });
  }

  endInput(): void {
    this.send({ type: "end-stdin" });
  }

  /** Asks the program to stop, as a signal would (programs written to handle SIGINT/SIGTERM end cleanly). */
  stop(signal: "SIGINT" | "SIGTERM" = "SIGTERM"): void {
    if (this.running) this.send({ type: "signal", signal });
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

  /**
   * Asks the program's event loop for an answer: undefined when it gives none in time (it is spinning, or it has
   * ended), or how many sockets its node:net servers took it has stopped reading (see `holding` in the protocol).
   */
  async ping(): Promise<number | undefined> {
    if (!this.running) return undefined;
    return new Promise<number | undefined>((resolve) => {
      const answer = (n: number) => {
        clearTimeout(timer);
        resolve(n);
      };
      const timer = setTimeout(() => {
        this.#pongs.delete(answer);
        resolve(undefined);
      }, PING_MS);
      this.#pongs.add(answer);
      this.send({ type: "ping" });
    });
  }

  /** Where the program is now: blocked in a call, waiting for something else, or spinning. */
  async whereNow(): Promise<string> {
    const [label, blocked] = [this.shownLabel, this.#blocked];
    if (!this.running) return "";
    if (blocked) return msg("run.blockedIn", { label, call: blocked.call, fd: blocked.fd });
    if ((await this.ping()) !== undefined) return msg("run.idle", { label });
    const last = this.trace.at(-1);
    return last ? msg("run.busySince", { label, call: last.call }) : msg("run.busy", { label });
  }

  /** This run as another's failure names it: the last connected socket it closed, where it is or how it ended. */
  async asPeer(): Promise<string> {
    const connected = new Set<number>();
    let closed: number | undefined;
    for (const e of this.trace) {
      if (e.call === "accept" && e.result >= 0) connected.add(e.result);
      else if (e.call === "connect" && e.result === 0 && e.fd !== undefined) connected.add(e.fd);
      else if (CLOSES.has(e.call) && e.result === 0 && e.fd !== undefined && connected.delete(e.fd))
        closed = e.fd;
    }
    const label = this.shownLabel;
    const parts = closed === undefined ? [] : [msg("run.peerClosed", { label, fd: closed })];
    if (this.running) parts.push(await this.whereNow());
    else parts.push(msg("run.peerExited", { label, code: this.#code ?? -1 }));
    return parts.filter(Boolean).join(" ");
  }

  /** Why a wait for `what` cannot succeed any more (it exited, it broke), or undefined while it still can. */
  whyNot(what: string): Error | undefined {
    if (this.#broken) return new RunFailed(`${this.#broken.message}\n${this.transcript()}`);
    if (this.running) return undefined;
    if (this.#loadError !== undefined)
      return new RunFailed(`${msg("run.loadFailed", { label: this.shownLabel })}\n${this.#loadError}`);
    const todo = this.todo();
    if (todo !== undefined) return new NotDoneYet(todo);
    const params = { label: this.shownLabel, code: this.#code ?? -1, what, clients: this.#connections };
    const head = this.#connections > 0 ? msg("run.exitedAfter", params) : msg("run.exitedBefore", params);
    return new RunFailed(`${head}\n${this.transcript()}`);
  }

  /**
   * Waits until `done()` gives a value. Fails at once when `failed()` names a reason or the run can no longer give
   * it (it exited, printed something else, listens on another port), and otherwise at the deadline, saying where
   * the program was; it is ended then: nothing it does afterwards can pass the test.
   */
  protected waitFor<T>(
    what: string,
    done: () => T | undefined,
    ms = this.deadlineMs,
    failed: () => Error | undefined = () => undefined,
  ): Promise<T> {
    let check = () => {};
    const met = new Promise<T>((resolve, reject) => {
      check = () => {
        const value = done();
        const why = value === undefined ? (failed() ?? this.whyNot(what)) : undefined;
        if (value === undefined && !why) return;
        this.#waits.delete(check);
        if (why) reject(why);
        else resolve(value as T);
      };
      // In the executor, so that a first check that throws rejects the wait instead of throwing at the caller.
      this.#waits.add(check);
      check();
    });
    const blocked = async () => {
      this.#waits.delete(check);
      const [where, others] = await Promise.all([this.whereNow(), whereRuns(this.group, this)]);
      await this.end();
      return [where, ...others].filter(Boolean);
    };
    return withDeadline(met, what, ms, () => this.transcript(), blocked);
  }

  /** The port the program listens on (learned as it listens, not from its output). */
  port(ms?: number): Promise<number> {
    const what = msg("run.what.listen", { label: this.shownLabel });
    return this.waitFor(what, () => (this.#broken ? undefined : this.#port), ms);
  }

  /**
   * Waits until the program's stdout, from its first byte, begins with `expected` (everything it must have
   * printed so far). Fails at once when what it printed can no longer become that, with a byte diff.
   */
  async waitForStdout(expected: string | Uint8Array, ms?: number): Promise<void> {
    const want = Buffer.from(expected);
    const label = this.shownLabel;
    const what = msg("run.what.stdout", { label, text: describeBytes(want) });
    const printed = () =>
      this.stdout.length >= want.length && this.stdout.bytes.subarray(0, want.length).equals(want);
    await this.waitFor(
      what,
      () => printed() || undefined,
      ms,
      () => {
        const got = this.stdout.bytes;
        const at = firstDifference(want, got);
        if (at === -1 || at >= Math.min(want.length, got.length)) return undefined;
        const diff = bytesDiff(msg("run.stdoutSoFar", { label }), want, got.subarray(0, want.length + 40));
        return new BytesMismatch(`${msg("run.diverged", { label })}\n${diff}\n${this.transcript()}`);
      },
    );
  }

  /** Waits until `done()` holds, checked after every event (output, calls, connections, exit). */
  async waitUntil(what: string, done: () => boolean, ms?: number): Promise<void> {
    await this.waitFor(what, () => done() || undefined, ms);
  }

  /** Waits until the program has made a call that `match` accepts (a test watching the trace as it grows). */
  waitForCall(what: string, match: (event: TraceEvent) => boolean, ms?: number): Promise<TraceEvent> {
    // The trace only grows: each check looks at the calls made since the last one (a flood makes thousands).
    let from = 0;
    const found = () => {
      for (; from < this.trace.length; from++)
        if (match(this.trace[from] as TraceEvent)) return this.trace[from];
      return undefined;
    };
    return this.waitFor(what, found, ms);
  }

  /** Waits until its servers have taken `n` connections in all. */
  waitForConnections(n: number, ms?: number): Promise<void> {
    return this.waitUntil(
      msg("run.what.connection", { label: this.shownLabel }),
      () => this.#connections >= n,
      ms,
    );
  }

  /** Waits for the program to end and returns its exit code; a TODO or a failure to load fails the test with it. */
  async waitForExit(what = msg("run.what.exit", { label: this.shownLabel }), ms?: number): Promise<number> {
    const code = await this.waitFor(
      what,
      () => this.#code,
      ms,
      () => (this.#broken ? this.whyNot(what) : undefined),
    );
    if (this.#loadError !== undefined) throw this.whyNot(what) ?? new RunFailed(this.#loadError);
    const todo = this.todo();
    if (todo !== undefined) throw new NotDoneYet(todo);
    return code;
  }

  /**
   * Checks what a test client received. When it differs and the program failed (or fails within half a second),
   * the failure is its exit with its stderr, where a forgotten `await` left the layer's lesson, not the short read.
   */
  async expectSent(got: Uint8Array | string, expected: Uint8Array | string, what: string): Promise<void> {
    if (Buffer.from(got).equals(Buffer.from(expected))) return;
    if (this.running) await this.#settle(500);
    if (this.#code !== undefined && this.#code !== 0) await this.expectExit(0);
    expectBytes(got, expected, what);
  }

  /**
   * Waits for the end and checks the exit code; a wrong one fails with both outputs, so the program's own
   * error line (a busy-loop lesson, a connect() error) is shown with it.
   */
  async expectExit(expected: number, ms?: number): Promise<void> {
    const code = await this.waitForExit(undefined, ms);
    if (code !== expected)
      throw new RunFailed(
        `${msg("run.wrongExit", { label: this.shownLabel, code, expected })}\n${this.transcript()}`,
      );
  }
}

import type { Readable } from "node:stream";

import { msg, type SharedKey } from "../i18n/messages.ts";

/** Everything a stream has produced so far, with a way to wait (by event, never by polling) for more. */
export class Output {
  #chunks: Buffer[] = [];
  #length = 0;
  #waiters = new Set<() => void>();
  #ended = false;

  constructor(source?: Readable) {
    source?.on("data", (chunk: Buffer | string) =>
      this.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk),
    );
    source?.once("end", () => this.end()).once("close", () => this.end());
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** How many bytes have come, without joining them (a wait for n bytes checks this after every chunk). */
  get length(): number {
    return this.#length;
  }

  get bytes(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  get text(): string {
    return this.bytes.toString("utf8");
  }

  /** Resolves when `check` holds (checked now and after every chunk). */
  until(check: (out: Output) => boolean): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = () => {
        if (check(this)) {
          this.#waiters.delete(waiter);
          resolve();
        }
      };
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

const LABELS: Record<string, SharedKey> = {
  "your program": "label.yourProgram",
  "your server": "label.yourServer",
  "your client": "label.yourClient",
};

/** A label in the learner's language: the usual English ones ("your server", ...) are translated, others kept. */
export function localLabel(label: string): string {
  const key = LABELS[label];
  return key === undefined ? label : msg(key);
}

/** A transcript shown under a failure message, each line prefixed: `[your program] Connected client 1`. */
export function prefixed(label: string, text: string): string {
  const shownLabel = localLabel(label);
  if (text.length === 0) return `[${shownLabel}] ${msg("output.nothing")}`;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const shown =
    lines.length > 40
      ? [...lines.slice(0, 20), msg("output.moreLines", { n: lines.length - 40 }), ...lines.slice(-20)]
      : lines;
  return shown.map((line) => `[${shownLabel}] ${JSON.stringify(line).slice(1, -1)}`).join("\n");
}

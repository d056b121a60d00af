import readline from "node:readline";
import type { Readable } from "node:stream";

/** Line input from stdin, the way `cin.getline` is used in the listings. */
export interface LineInput {
  /** The next line without its line ending, or null at end of input (Ctrl-D, or the end of a pipe). */
  getline(): Promise<string | null>;
  /** Stop reading (lets the process end). */
  close(): void;
}

/**
 * Reads lines from a terminal or a pipe. Iterating readline keeps every piped line (rl.question() would drop
 * lines that arrive before it is asked); CRLF counts as one line ending.
 */
export function lineInput(input: Readable): LineInput {
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let closed = false;
  return {
    async getline() {
      if (closed) return null;
      const next = await lines.next();
      if (next.done) {
        closed = true;
        return null;
      }
      return next.value;
    },
    close() {
      if (closed) return;
      closed = true;
      rl.close();
    },
  };
}

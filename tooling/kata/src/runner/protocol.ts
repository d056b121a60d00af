/** The messages between the CLI and the vitest process it starts (over Node's IPC channel). */

export interface TestResult {
  /** vitest's id: the file's hash, then the test's place in the file (`abc123_0_4`), in declaration order. */
  id?: string;
  /** The test file, relative to the kata folder (as kata.json's stages[].tests lists it). */
  file: string;
  /** The outermost describe() title. */
  group: string;
  title: string;
  status: "passed" | "failed" | "skipped";
  duration: number;
  /** The first error's message and stack, without colour. */
  failure?: string;
  /** The first error's `code` (KATA_NOT_DONE for a starter's TODO, ...). */
  code?: string;
  /**
   * Where the programs were when a wait ended in vain, a line each: the one waited for first, then its peers
   * ("your client is blocked in read(3).", "the server closed socket 4."). From DeadlineExceeded's `blocked`.
   */
  blocked?: string[];
}

export type ToChild =
  { type: "run"; files: string[] } | { type: "invalidate"; files: string[] } | { type: "close" };

export type FromChild =
  | { type: "ready" }
  | { type: "test-end"; result: TestResult }
  /** A test file that could not be loaded (syntax error, import error): its tests did not run. */
  | { type: "file-error"; file: string; message: string }
  | { type: "run-end"; errors: string[] }
  | { type: "fatal"; message: string };

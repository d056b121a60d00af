import { AsyncLocalStorage } from "node:async_hooks";

import { onTestFinished, type TestContext } from "vitest";

/**
 * The test the code runs for: vitest's global onTestFinished attaches to "the current test", ambiguous when tests
 * run concurrently. ./setup.ts (the kata preset's setup file) runs every test inside this store.
 */
export const currentTest = new AsyncLocalStorage<TestContext>();

/** Runs `fn`, what closes a resource just made, when the test ends, pass or fail; refused outside a test. */
export function registerCleanup(fn: () => unknown): void {
  const test = currentTest.getStore();
  try {
    if (test) test.onTestFinished(async () => void (await fn()));
    else onTestFinished(async () => void (await fn()));
  } catch (err) {
    throw new Error(
      "The testing helpers open sockets that must be closed when a test ends: call them inside it(), not at the top of a file or in beforeAll.",
      { cause: err },
    );
  }
}

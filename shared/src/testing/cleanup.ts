import { AsyncLocalStorage } from "node:async_hooks";

import { onTestFinished, type TestContext } from "vitest";

/**
 * The test each piece of test code runs for. vitest's global onTestFinished attaches to "the current test", which
 * is ambiguous when tests run concurrently; ./setup.ts (the kata preset's setup file) runs every test inside this
 * store, so a cleanup always goes to the test that opened the resource.
 */
export const currentTest = new AsyncLocalStorage<TestContext>();

/**
 * Registers what closes a resource right after the resource is made (undici's habit): it runs when the test
 * ends, pass or fail. Outside a test there is no end to attach it to, so that is refused with a clear message.
 */
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

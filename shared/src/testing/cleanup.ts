import { onTestFinished } from "vitest";

/**
 * Registers what closes a resource right after the resource is made (undici's habit): it runs when the test
 * ends, pass or fail. Outside a test there is no end to attach it to, so that is refused with a clear message.
 */
export function registerCleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch (err) {
    throw new Error(
      "The testing helpers open sockets that must be closed when a test ends: call them inside it(), not at the top of a file or in beforeAll.",
      { cause: err },
    );
  }
}

import { expect } from "vitest";

/**
 * For `toThrow()` and `rejects.toThrow()` instead of a bare text or pattern, which also pass when `undefined` is
 * thrown: an object whose `message` contains the text (or matches the pattern).
 */
export function errorMatching(message: string | RegExp): unknown {
  const text: unknown =
    typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message);
  return expect.objectContaining({ message: text });
}

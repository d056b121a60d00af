import { expect } from "vitest";

/**
 * What `toThrow()` and `rejects.toThrow()` should be given instead of a bare text or pattern: an error whose
 * `message` contains the text (or matches the pattern). vitest's `toThrow("text")` also passes when `undefined`
 * is thrown, so a throw that lost its error would go unnoticed; this matcher needs an object with that message.
 */
export function errorMatching(message: string | RegExp): unknown {
  const text: unknown =
    typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message);
  return expect.objectContaining({ message: text });
}

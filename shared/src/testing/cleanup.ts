import { onTestFinished } from "vitest";

type Cleanup = () => unknown;
const outside = new Set<Cleanup>();

/**
 * Registers what closes a resource right after the resource is made (undici's habit): inside a test it runs
 * when the test ends, pass or fail; outside one (a beforeAll) it runs at closeAllResources().
 */
export function registerCleanup(fn: Cleanup): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    outside.add(fn);
  }
}

export async function closeAllResources(): Promise<void> {
  const all = [...outside];
  outside.clear();
  await Promise.allSettled(all.map(async (fn) => fn()));
}

/**
 * Globals a tool shares with the code under test (StrykerJS switches mutants and counts coverage through one): the
 * names in KATA_BOUNDARY_GLOBALS (comma-separated) are copied into a program's thread when it starts, and what they
 * counted there is added back when it reports. The boundary itself knows no tool by name.
 */

type Counted = Record<string, unknown>;

/** The listed globals as they are now, handed to a new thread or reported back from it (undefined if none). */
export function listedGlobals(): Counted | undefined {
  const list = (process.env.KATA_BOUNDARY_GLOBALS ?? "")
    .trim()
    .split(/\s*,\s*/)
    .filter(Boolean);
  if (list.length === 0) return undefined;
  const out: Counted = {};
  for (const name of list) {
    const value = (globalThis as Counted)[name];
    try {
      if (value !== undefined) out[name] = structuredClone(value);
    } catch {
      // a global that cannot cross is left behind
    }
  }
  return out;
}

/** Adds what every number grew by between `before` and `after` to the same place in `into`. */
function addGrowth(into: Counted, before: unknown, after: unknown): void {
  if (after === null || typeof after !== "object") return;
  for (const [key, value] of Object.entries(after as Counted)) {
    const was = (before as Counted | undefined)?.[key];
    if (typeof value === "number") {
      const grew = value - (typeof was === "number" ? was : 0);
      if (grew !== 0) into[key] = (typeof into[key] === "number" ? into[key] : 0) + grew;
    } else if (value !== null && typeof value === "object") {
      const child = (into[key] ??= {}) as Counted;
      if (typeof child === "object") addGrowth(child, was, value);
    }
  }
}

/**
 * On the test side: the counts a thread reports, added to the live globals. `since` is what that thread started
 * with, or reported last; the returned value is what to pass as `since` next time.
 */
export function mergeReported(
  reported: Counted | undefined,
  since: Counted | undefined,
): Counted | undefined {
  if (!reported) return since;
  for (const [name, value] of Object.entries(reported)) {
    const live = (globalThis as Counted)[name];
    if (live !== null && typeof live === "object") addGrowth(live as Counted, since?.[name], value);
  }
  return reported;
}

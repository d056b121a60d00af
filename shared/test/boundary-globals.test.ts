// Globals a tool outside the project shares with the code under test (KATA_BOUNDARY_GLOBALS, which mutation
// testing uses to switch mutants and count coverage): a program's thread or a loaded module's worker starts with
// their values, and what the code counted there is added back on the test's side.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { load, run, unload } from "../src/testing/index.ts";
import { fixture } from "./helpers.ts";

const NAME = "__kataBoundaryTestCounts";
const OTHER = "__kataBoundaryTestUnlisted";
const globals = globalThis as Record<string, unknown>;

describe("globals named in KATA_BOUNDARY_GLOBALS", () => {
  let before: string | undefined;
  beforeEach(() => {
    // Added to what a tool running these tests may have listed, and put back after.
    before = process.env.KATA_BOUNDARY_GLOBALS;
    process.env.KATA_BOUNDARY_GLOBALS = before ? `${before}, ${NAME}` : NAME;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.KATA_BOUNDARY_GLOBALS;
    else process.env.KATA_BOUNDARY_GLOBALS = before;
    delete globals[NAME];
    delete globals[OTHER];
  });

  it("a program's thread starts with their values; what it counted is added back when it exits", async () => {
    globals[NAME] = { runs: 10, untouched: 4 };
    const program = run(fixture("counts-global.ts"), [NAME]);
    await program.expectExit(0);
    expect(globals[NAME]).toEqual({ runs: 11, seen: 10, untouched: 4 });
  });

  it("a global not named stays on its side", async () => {
    globals[OTHER] = { runs: 3 };
    const program = run(fixture("counts-global.ts"), [OTHER]);
    await program.expectExit(0);
    expect(globals[OTHER]).toEqual({ runs: 3 });
  });

  it("a loaded module's worker adds what each call counted, once", async () => {
    globals[NAME] = { a: 5 };
    const lib = load<typeof import("./fixtures/lib.ts")>(fixture("lib.ts"));
    try {
      expect(lib.countInGlobal(NAME, "a")).toBe(6);
      expect(globals[NAME]).toEqual({ a: 6 });
      expect(lib.countInGlobal(NAME, "b")).toBe(1);
      expect(globals[NAME]).toEqual({ a: 6, b: 1 });
      expect(await lib.later(1)).toBe(2);
      expect(globals[NAME]).toEqual({ a: 6, b: 1 });
    } finally {
      unload(lib);
    }
  });
});

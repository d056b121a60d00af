import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { findWorkspace, isBonus, kataAt, loadKatas, ManifestError, NoWorkspace } from "../src/index.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../../kata/test/fixtures/workspace");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the CLI's fixture workspace (one small kata), with its kata.json changed by `edit`. */
function workspace(edit: (manifest: Record<string, unknown>) => void = () => undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), "katas-test-"));
  dirs.push(root);
  cpSync(FIXTURE, root, { recursive: true });
  const file = path.join(root, "chapters/01-1-tiny/kata.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
  return root;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("nothing was thrown");
}

describe("the katas' manifests", () => {
  it("reads every kata under chapters/, with its folder, stages, programs and an empty demo by default", () => {
    const root = workspace((m) => delete m.demo);
    const [kata, ...rest] = loadKatas(root);
    expect(rest).toEqual([]);
    expect(kata).toMatchObject({ id: "01-1-tiny", dir: path.join(root, "chapters/01-1-tiny"), demo: [] });
    expect(kata?.stages.map((s) => s.stage)).toEqual([1, 2]);
    expect(kata?.programs.map((p) => p.file)).toEqual(["hello.ts", "shout.ts"]);
    expect(kataAt(loadKatas(root), path.join(root, "chapters/01-1-tiny/starter"))?.id).toBe("01-1-tiny");
    expect(kataAt(loadKatas(root), path.join(root, "chapters"))).toBeUndefined();
  });

  it("finds no kata where there is no chapters/ folder", () => {
    const root = mkdtempSync(path.join(tmpdir(), "katas-test-"));
    dirs.push(root);
    expect(loadKatas(root)).toEqual([]);
  });

  it.each([
    [
      "a field of the wrong kind",
      (m: Record<string, unknown>) => (m.section = 4),
      "/section: must be string",
    ],
    [
      "a role the schema does not know",
      (m: Record<string, unknown>) => ((m.programs as { role: string }[])[0]!.role = "daemon"),
      '/programs/0/role: must be equal to one of the allowed values ("server", "client", "tool", "library")',
    ],
    [
      "an id that is not its folder",
      (m: Record<string, unknown>) => (m.id = "01-1-other"),
      '/id: is "01-1-other" but the folder is chapters/01-1-tiny',
    ],
    [
      "stages out of order",
      (m: Record<string, unknown>) => (m.stages as { stage: number }[]).reverse(),
      "/stages/0/stage: must be 1",
    ],
    [
      "a test file that does not exist",
      (m: Record<string, unknown>) => ((m.stages as { tests: string[] }[])[0]!.tests = ["test/nope.test.ts"]),
      "/stages/0/tests/0: test/nope.test.ts does not exist",
    ],
    [
      "no place on the learner's path",
      (m: Record<string, unknown>) => delete m.order,
      "(top level): must have required property 'order'",
    ],
    [
      "a place on the path that is not a whole number from 1",
      (m: Record<string, unknown>) => (m.order = 0),
      "/order: must be >= 1",
    ],
    [
      "a bonus that is not true or false",
      (m: Record<string, unknown>) => ((m.stages as { bonus?: unknown }[])[1]!.bonus = "yes"),
      "/stages/1/bonus: must be boolean",
    ],
    [
      "every stage a bonus",
      (m: Record<string, unknown>) => {
        for (const s of m.stages as { bonus?: boolean }[]) s.bonus = true;
      },
      "/stages: every stage is a bonus; at least one must be on the learner's path",
    ],
    [
      "a program in no stage",
      (m: Record<string, unknown>) => ((m.programs as { stage: number }[])[0]!.stage = 9),
      "/programs/0/stage: there is no stage 9",
    ],
  ])(
    "refuses %s, naming the file, the field and the reason (ManifestError, KATA_MANIFEST)",
    (_what, edit, reason) => {
      const root = workspace(edit);
      const err = thrown(() => loadKatas(root));
      expect(err).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).code).toBe("KATA_MANIFEST");
      expect(err.message).toContain(path.join(root, "chapters/01-1-tiny/kata.json"));
      expect(err.message).toContain(reason);
    },
  );

  it("orders the katas by their place on the learner's path, not by id, and refuses two katas in one place", () => {
    const root = workspace((m) => (m.order = 20));
    const file = path.join(root, "chapters/01-1-tiny/kata.json");
    const tiny = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const second = (id: string, order: number) => {
      cpSync(path.join(root, "chapters/01-1-tiny"), path.join(root, "chapters", id), { recursive: true });
      writeFileSync(path.join(root, "chapters", id, "kata.json"), JSON.stringify({ ...tiny, id, order }));
    };
    second("01-2-before", 10);
    second("00-9-after", 30);
    expect(loadKatas(root).map((k) => [k.id, k.order])).toEqual([
      ["01-2-before", 10],
      ["01-1-tiny", 20],
      ["00-9-after", 30],
    ]);
    second("01-3-same", 20);
    const err = thrown(() => loadKatas(root));
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.message).toContain(path.join(root, "chapters/01-3-same/kata.json"));
    expect(err.message).toContain(
      "/order: 20 is also 01-1-tiny's place on the path (chapters/01-1-tiny/kata.json)",
    );
  });

  it("tells a bonus stage from a stage on the path", () => {
    const root = workspace((m) => ((m.stages as { bonus?: boolean }[])[1]!.bonus = true));
    const [kata] = loadKatas(root);
    expect(kata && [isBonus(kata, 1), isBonus(kata, 2), isBonus(kata, 3)]).toEqual([false, true, false]);
    expect(kata?.stages[0]).not.toHaveProperty("bonus");
  });

  it("refuses a kata.json that is not JSON", () => {
    const root = workspace();
    writeFileSync(path.join(root, "chapters/01-1-tiny/kata.json"), "{ nope");
    expect(thrown(() => loadKatas(root)).message).toMatch(/kata\.json: not valid JSON/);
  });
});

describe("the workspace", () => {
  it("is the nearest folder at or above with pnpm-workspace.yaml, and there is none above a temporary folder", () => {
    const root = workspace();
    expect(findWorkspace(path.join(root, "chapters/01-1-tiny/test"))).toBe(root);
    const outside = mkdtempSync(path.join(tmpdir(), "katas-test-"));
    dirs.push(outside);
    const err = thrown(() => findWorkspace(outside));
    expect(err).toBeInstanceOf(NoWorkspace);
    expect((err as NoWorkspace).code).toBe("KATA_NO_WORKSPACE");
    expect(err.message).toContain(outside);
  });
});

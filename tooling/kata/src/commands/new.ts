import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { DemoStep, Kata } from "@tcp-katas/katas";

import type { Command } from "../command.ts";
import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { loadCatalogue } from "../i18n.ts";
import { findKata } from "../lookup.ts";

const ID = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DEFAULT_MODEL = "04-2";
/** Generated, not copied. */
const GENERATED = new Set(["kata.json", "package.json", "README.md", "README.ko.md"]);

/** The new kata's lesson in `lang`, to be written in its own words: a title, how to work, stage 1, how to run. */
function lesson(id: string, title: string, model: Kata, lang: "en" | "ko"): string {
  const files = model.programs
    .filter((p) => p.stage === 1)
    .map((p) => `\`${p.file}\``)
    .join(", ");
  const stage = model.stages[0]?.title[lang] ?? "";
  return loadCatalogue(lang).t("new.readme", { id, title, stage, model: model.id, files });
}

/** The files of a new kata: the model's configs as they are, its stage 1 as the worked example. */
function files(ctx: Ctx, id: string, title: string, model: Kata): Record<string, string> {
  const read = (file: string) => readFileSync(path.join(model.dir, file), "utf8");
  const out: Record<string, string> = {};
  for (const entry of readdirSync(model.dir, { withFileTypes: true }))
    if (entry.isFile() && !GENERATED.has(entry.name)) out[entry.name] = read(entry.name);
  const programs = model.programs.filter((p) => p.stage === 1);
  for (const p of programs) {
    out[`solution/${p.file}`] = read(`solution/${p.file}`);
    out[`starter/${p.file}`] = read(`starter/${p.file}`);
  }
  const stage = model.stages.find((s) => s.stage === 1);
  for (const test of stage?.tests ?? []) out[test] = read(test);
  // Helpers the tests may import (not tests, not the wrong attempts kept for the model's own regressions).
  const testDir = path.join(model.dir, "test");
  if (existsSync(testDir))
    for (const { name } of readdirSync(testDir, { withFileTypes: true }).filter((e) => e.isFile()))
      if (!name.endsWith(".test.ts")) out[`test/${name}`] = read(`test/${name}`);
  const server = programs.find((p) => p.role === "server");
  const demo: DemoStep[] = server
    ? [{ start: "server", program: server.file, args: ["0"] }, { stop: "server" }]
    : [];
  const pkg = JSON.parse(read("package.json")) as Record<string, unknown>;
  out["package.json"] =
    `${JSON.stringify({ ...pkg, name: `@tcp-katas/${id}`, description: title }, null, 2)}\n`;
  // Last on the learner's path, with room before it: move it where it belongs by its `order`.
  const order = Math.max(0, ...ctx.katas().map((k) => k.order)) + 10;
  out["kata.json"] =
    `${JSON.stringify({ $schema: "../../tooling/katas/kata.schema.json", id, order, section: id.split("-").slice(0, 2).join("-"), title: { en: title, ko: title }, programs, stages: stage ? [stage] : [], demo }, null, 2)}\n`;
  out["README.md"] = lesson(id, title, model, "en");
  out["README.ko.md"] = lesson(id, title, model, "ko");
  return out;
}

/** Scaffolds chapters/<id> from a kata's stage 1, touching nothing outside the new folder. */
export const scaffold: Command = {
  name: "new",
  options: { from: { type: "string" } },
  min: 2,
  max: 2,
  async run(ctx, { values, positionals }) {
    const [id, title] = positionals as [string, string];
    if (!ID.test(id)) throw usageError(ctx.t("new.badId", { id }));
    if (!title.trim()) throw usageError(ctx.t("new.noTitle"));
    const model = findKata(ctx, typeof values.from === "string" ? values.from : DEFAULT_MODEL);
    const dir = path.join(ctx.root, "chapters", id);
    if (existsSync(dir)) throw usageError(ctx.t("new.exists", { id }));
    // prettier only here: the other commands do not pay for loading it.
    const prettier = await import("prettier");
    for (const [file, text] of Object.entries(files(ctx, id, title, model))) {
      const target = path.join(dir, file);
      mkdirSync(path.dirname(target), { recursive: true });
      // In the project's own style, so `pnpm format` passes at once.
      const options = await prettier.resolveConfig(target);
      writeFileSync(target, await prettier.format(text, { ...options, filepath: target }));
    }
    ctx.out(
      ctx.t("new.done", {
        id,
        from: model.id,
        install: ctx.style.accent("pnpm install"),
        test: ctx.style.accent(`pnpm --filter @tcp-katas/${id} test:solution`),
      }),
    );
    return 0;
  },
};

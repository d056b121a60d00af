import path from "node:path";

import type { Kata } from "@tcp-katas/katas";

import type { Ctx } from "./context.ts";
import { usageError } from "./errors.ts";

/** The file of a runnable program of the kata, by its name with or without ".ts". */
export function programFile(ctx: Ctx, kata: Kata, dir: string, name: string | undefined): string {
  const names = kata.programs.filter((p) => p.role !== "library").map((p) => p.file);
  if (!name) throw usageError(ctx.t("run.which", { id: kata.id, names: names.join(", ") }));
  const file = name.endsWith(".ts") ? name : `${name}.ts`;
  if (!names.includes(file))
    throw usageError(ctx.t("run.unknown", { id: kata.id, name, names: names.join(", ") }));
  return path.join(dir, file);
}

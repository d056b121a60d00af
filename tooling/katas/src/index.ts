/**
 * The one reader of the katas' manifests. Every tool that runs over katas (the CLI, the fault suite, mutation
 * testing, the bench, CI's scripts) finds them here, from `chapters/<id>/kata.json`, validated against
 * `kata.schema.json` and cross-checked for what a schema cannot say. A checkout with one kata finds that one.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { KataError } from "@tcp-katas/shared/cli";
import { workspaceRoot } from "@tcp-katas/shared/i18n";
import type { ErrorObject, ValidateFunction } from "ajv";

import schema from "../kata.schema.json" with { type: "json" };

/** A kata.json that is not valid JSON, does not match the schema, or contradicts itself (code KATA_MANIFEST). */
export class ManifestError extends KataError {
  declare readonly code: "KATA_MANIFEST";
  constructor(message: string) {
    super("ManifestError", "KATA_MANIFEST", message);
  }
}

export interface Text {
  en: string;
  ko: string;
  [lang: string]: string;
}

export interface Stage {
  stage: number;
  title: Text;
  /** This stage's test files, relative to the kata folder. */
  tests: string[];
  hints: Text[];
  /** Needs more than the chapter's calls: shown as a bonus, and the learner's path does not wait for it. */
  bonus?: boolean;
}

export interface ProgramInfo {
  file: string;
  args: string[];
  stage: number;
  /** A server (takes <port>), a client (<IP> <port>), a tool (reads files), or a module of functions. */
  role: "server" | "client" | "tool" | "library";
  /** The API it is written against. */
  layer?: "posix" | "winsock" | "node" | "none";
  /** The contract the fault suite and the bench drive it through. */
  behaviour?: string;
  /** The line an echo client prints once connected. */
  banner?: string;
}

export type DemoStep =
  | { note: Text }
  | { start: string; program: string; args: string[] }
  | { wait: string; for: string }
  | { type: string; text: string }
  | { exit: string }
  | { stop: string };

export interface Kata {
  id: string;
  /** The kata's place on the learner's path (lowest first), unique among the katas. */
  order: number;
  section: string;
  title: Text;
  programs: ProgramInfo[];
  stages: Stage[];
  demo: DemoStep[];
  /** Absolute path of the kata's folder. */
  dir: string;
}

type Manifest = Omit<Kata, "dir" | "demo"> & { demo?: DemoStep[] };

/** The schema's validator, made on first use: commands that read no manifest (help) never load ajv. */
let validate: ValidateFunction<Manifest> | undefined;
const indented = (lines: string[]) => lines.map((l) => `\n  ${l}`).join("");

/** One line per schema problem: the field (as a JSON pointer) and the reason. */
function describe(errors: ErrorObject[] | null | undefined): string[] {
  // oneOf (demo steps) reports every branch; the branch-level "additionalProperties" lines are noise.
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const field = e.instancePath || "(top level)";
    const extra =
      e.keyword === "additionalProperties"
        ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
        : e.keyword === "enum"
          ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")})`
          : "";
    seen.add(`${field}: ${e.message ?? "is invalid"}${extra}`);
  }
  return [...seen];
}

/** What the schema cannot say: stage numbers, references between fields, files that must exist. */
function crossCheck(kata: Omit<Kata, "dir">, dir: string): string[] {
  const problems: string[] = [];
  const folder = path.basename(dir);
  if (kata.id !== folder) problems.push(`/id: is "${kata.id}" but the folder is chapters/${folder}`);
  const numbers = kata.stages.map((s) => s.stage);
  numbers.forEach((n, i) => {
    if (n !== i + 1)
      problems.push(`/stages/${i}/stage: must be ${i + 1} (stages are numbered 1, 2, 3 … in order)`);
  });
  const owner = new Map<string, number>();
  kata.stages.forEach((s, i) => {
    for (const [j, file] of s.tests.entries()) {
      const before = owner.get(file);
      if (before !== undefined)
        problems.push(`/stages/${i}/tests/${j}: ${file} is already in stage ${before}`);
      owner.set(file, s.stage);
      if (!existsSync(path.join(dir, file))) problems.push(`/stages/${i}/tests/${j}: ${file} does not exist`);
    }
  });
  if (kata.stages.every((s) => s.bonus === true))
    problems.push("/stages: every stage is a bonus; at least one must be on the learner's path");
  kata.programs.forEach((p, i) => {
    if (!numbers.includes(p.stage)) problems.push(`/programs/${i}/stage: there is no stage ${p.stage}`);
  });
  const files = new Set(kata.programs.map((p) => p.file));
  kata.demo.forEach((step, i) => {
    if ("start" in step && !files.has(step.program))
      problems.push(`/demo/${i}/program: ${step.program} is not one of the kata's programs`);
  });
  return problems;
}

/** Reads and validates one kata.json; fails naming the file, the field and the reason. */
export function loadKata(dir: string): Kata {
  const file = path.join(dir, "kata.json");
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ManifestError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  validate ??= new Ajv2020({ allErrors: true, strict: false }).compile<Manifest>(schema);
  if (!validate(data))
    throw new ManifestError(
      `${file} does not match tooling/katas/kata.schema.json:${indented(describe(validate.errors))}`,
    );
  const kata = { ...data, demo: data.demo ?? [] };
  const problems = crossCheck(kata, dir);
  if (problems.length > 0) throw new ManifestError(`${file}:${indented(problems)}`);
  return { ...kata, dir };
}

/**
 * Every kata checked out under <root>/chapters, from its own kata.json, in the order of the learner's path (each
 * manifest's `order`, lowest first). Two katas with the same place on the path are a ManifestError naming both.
 */
export function loadKatas(root: string): Kata[] {
  const chapters = path.join(root, "chapters");
  if (!existsSync(chapters)) return [];
  const katas = readdirSync(chapters, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(chapters, d.name, "kata.json")))
    .map((d) => loadKata(path.join(chapters, d.name)))
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  for (const [i, kata] of katas.entries()) {
    const before = katas[i - 1];
    if (before && before.order === kata.order)
      throw new ManifestError(
        `${path.join(kata.dir, "kata.json")}:\n  /order: ${kata.order} is also ${before.id}'s place on the path (chapters/${before.id}/kata.json); give each kata its own`,
      );
  }
  return katas;
}

/** True for a bonus stage: the board marks it, and the learner's path does not wait for it. */
export function isBonus(kata: Kata, stage: number): boolean {
  return kata.stages.find((s) => s.stage === stage)?.bonus === true;
}

/** The kata whose folder holds `dir` (the kata folder itself or any folder inside it), if any. */
export function kataAt(katas: readonly Kata[], dir: string): Kata | undefined {
  const full = path.resolve(dir);
  return katas.find((k) => full === k.dir || full.startsWith(k.dir + path.sep));
}

/** No pnpm-workspace.yaml at or above the folder (code KATA_NO_WORKSPACE). */
export class NoWorkspace extends KataError {
  declare readonly code: "KATA_NO_WORKSPACE";
  constructor(cwd: string) {
    super(
      "NoWorkspace",
      "KATA_NO_WORKSPACE",
      `No pnpm-workspace.yaml in ${path.resolve(cwd)} or any folder above it: run this inside the tcp-ip-katas checkout.`,
    );
  }
}

/**
 * The workspace a command runs in: the nearest folder at or above `cwd` that holds pnpm-workspace.yaml, as git,
 * pnpm and turbo find theirs (shared's workspaceRoot(), the one lookup there is).
 */
export function findWorkspace(cwd: string): string {
  const root = workspaceRoot(cwd);
  if (root === undefined) throw new NoWorkspace(cwd);
  return root;
}

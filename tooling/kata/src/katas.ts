import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { CliError } from "./errors.ts";

export interface Text {
  en: string;
  ko: string;
}

export interface Stage {
  stage: number;
  title: Text;
  /** This stage's test files, relative to the kata folder. */
  tests: string[];
  hints: Text[];
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
  section: string;
  title: Text;
  programs: ProgramInfo[];
  stages: Stage[];
  demo: DemoStep[];
  /** Absolute path of the kata's folder. */
  dir: string;
}

/**
 * The repository root: KATA_ROOT if set, else the folder with pnpm-workspace.yaml above this CLI (or above
 * the current folder, as a fallback).
 */
export function repoRoot(): string {
  if (process.env.KATA_ROOT) return path.resolve(process.env.KATA_ROOT);
  for (const start of [path.resolve(import.meta.dirname, "../../.."), process.cwd()]) {
    let dir = start;
    for (;;) {
      if (existsSync(path.join(dir, "pnpm-workspace.yaml")) && existsSync(path.join(dir, "chapters")))
        return dir;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new CliError("Cannot find the repository root (a folder with pnpm-workspace.yaml and chapters/).");
}

/** Every kata, from its own kata.json, in folder order. */
export function loadKatas(root = repoRoot()): Kata[] {
  const chapters = path.join(root, "chapters");
  return readdirSync(chapters, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(chapters, d.name, "kata.json")))
    .map((d) => {
      const dir = path.join(chapters, d.name);
      const data = JSON.parse(readFileSync(path.join(dir, "kata.json"), "utf8")) as Omit<Kata, "dir">;
      return { ...data, demo: data.demo ?? [], dir };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = row[j] as number;
      row[j] = next;
    }
  }
  return row[b.length] as number;
}

/** A kata by its whole id or any unambiguous prefix or part ("04-3", "q7"); unknown ids list the katas. */
export function findKata(query: string | undefined, katas = loadKatas()): Kata {
  const list = katas.map((k) => `  ${k.id}  ${k.title.en}`).join("\n");
  if (!query) throw new CliError(`Which kata? One of:\n${list}`, 2);
  const q = query
    .toLowerCase()
    .replace(/\/+$/, "")
    .replace(/^chapters\//, "");
  const exact = katas.find((k) => k.id === q);
  if (exact) return exact;
  const matches = katas.filter(
    (k) => k.id.startsWith(q) || k.id.split("-").includes(q) || k.id.includes(`-${q}`),
  );
  if (matches.length === 1) return matches[0] as Kata;
  if (matches.length > 1) {
    throw new CliError(
      `"${query}" matches ${matches.length} katas: ${matches.map((k) => k.id).join(", ")}. Give more of the id.`,
      2,
    );
  }
  const best = [...katas].sort(
    (a, b) => distance(q, a.id.slice(0, q.length + 2)) - distance(q, b.id.slice(0, q.length + 2)),
  )[0];
  const hint = best ? ` Did you mean ${best.id}?` : "";
  throw new CliError(`No kata "${query}".${hint}\nThe katas are:\n${list}`, 2);
}

export function stageOf(kata: Kata, n: number): Stage {
  const stage = kata.stages.find((s) => s.stage === n);
  if (!stage)
    throw new CliError(
      `${kata.id} has no stage ${n}; its stages are ${kata.stages.map((s) => s.stage).join(", ")}.`,
      2,
    );
  return stage;
}

/** Where the learner's own state lives (shown hints, reset backups): KATA_STATE_DIR or <root>/.kata, git-ignored. */
export function stateDir(): string {
  return process.env.KATA_STATE_DIR
    ? path.resolve(process.env.KATA_STATE_DIR)
    : path.join(repoRoot(), ".kata");
}

// Every kata is found at run time from chapters/*/kata.json, so this package depends on no kata: a sparse
// checkout with one chapter runs the fault suite for that chapter only.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Main } from "@tcp-katas/shared/cli";

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No pnpm-workspace.yaml above ${from}.`);
  }
}

export type Behaviour =
  "hello-once" | "hello-forever" | "echo-server" | "hello-client" | "echo-client" | "file-reader";

/** One entry of a kata.json's programs[], with the kata it belongs to. */
export interface Program {
  kata: string;
  file: string;
  stage: number;
  role: "server" | "client" | "tool" | "library";
  layer?: "posix" | "winsock" | "node" | "none";
  behaviour?: Behaviour;
  /** The echo client's banner. */
  banner?: string;
}

export interface Stage {
  stage: number;
  tests: string[];
}

export interface Kata {
  id: string;
  dir: string;
  programs: Program[];
  stages: Stage[];
}

interface Manifest {
  id: string;
  programs: Omit<Program, "kata">[];
  stages: Stage[];
}

/** Every kata checked out under chapters/, in name order (a folder without kata.json is skipped). */
export function katas(root = repoRoot()): Kata[] {
  const chapters = path.join(root, "chapters");
  if (!existsSync(chapters)) return [];
  return readdirSync(chapters, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(chapters, e.name, "kata.json")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = path.join(chapters, name);
      const m = JSON.parse(readFileSync(path.join(dir, "kata.json"), "utf8")) as Manifest;
      return { id: m.id, dir, programs: m.programs.map((p) => ({ ...p, kata: m.id })), stages: m.stages };
    });
}

const all = (): Program[] => katas().flatMap((k) => k.programs);

const SERVER_BEHAVIOURS = new Set<Behaviour | undefined>(["hello-once", "hello-forever", "echo-server"]);
const CLIENT_BEHAVIOURS = new Set<Behaviour | undefined>(["hello-client", "echo-client"]);

/** The servers the fault suite knows how to drive, by their behaviour. */
export const SERVERS: Program[] = all().filter(
  (p) => p.role === "server" && SERVER_BEHAVIOURS.has(p.behaviour),
);

/** The clients the fault suite knows how to drive (a client without a behaviour, as the naive one, is skipped). */
export const CLIENTS: Program[] = all().filter(
  (p) => p.role === "client" && CLIENT_BEHAVIOURS.has(p.behaviour),
);

/** The solution's main(). */
export async function load(p: Program): Promise<Main> {
  const file = path.join(repoRoot(), "chapters", p.kata, "solution", p.file);
  const mod = (await import(pathToFileURL(file).href)) as { main: Main };
  return mod.main;
}

// The kata the fault suite drives: the one `pnpm kata dev check <kata>` names in FAULTS_KATA, read through the one
// manifest module. Its programs run behind the test boundary from FAULTS_TARGET (the kata's solution/ by default).
import path from "node:path";

import { loadKata, type ProgramInfo } from "@tcp-katas/katas";

import { isClient, isFileReader, isServer } from "../src/plan.ts";

const kataDir = process.env.FAULTS_KATA;
if (!kataDir)
  throw new Error("FAULTS_KATA is not set: the fault suite runs through `pnpm kata dev check <kata>`.");
const kata = loadKata(kataDir);
const targetDir = process.env.FAULTS_TARGET ?? path.join(kata.dir, "solution");

export interface Program extends ProgramInfo {
  kata: string;
  /** The program's file in the target, as the boundary runs it. */
  target: { file: string; resolveFrom: string };
}

const programs: Program[] = kata.programs.map((p) => ({
  ...p,
  kata: kata.id,
  target: { file: path.join(targetDir, p.file), resolveFrom: kata.dir },
}));

/** The servers the fault suite knows how to drive, by their behaviour. */
export const SERVERS = programs.filter(isServer);

/** The clients it knows how to drive (a client without a behaviour, as the naive one, is left out). */
export const CLIENTS = programs.filter(isClient);

/** The tools that read a file named on their command line. */
export const FILE_READERS = programs.filter(isFileReader);

const PROMPT = "Input message(Q to quit) : ";

/** What the chapter's echo client prints for a piped session: the banner, then prompt + reply per line. */
export function clientTranscript(banner: string, lines: readonly string[]): string {
  let out = `${banner}\n`;
  for (const line of lines) out += `${PROMPT}Message from server : ${line}\n`;
  return out + PROMPT;
}

/**
 * What the fault suite drives, and which of its test files apply to a kata: the one place that says which
 * behaviours (kata.json's programs[].behaviour) it knows how to drive.
 */
import path from "node:path";

import type { Kata, ProgramInfo } from "@tcp-katas/katas";

const SERVER_BEHAVIOURS = ["hello-once", "hello-forever", "echo-server"];
const CLIENT_BEHAVIOURS = ["hello-client", "echo-client"];

export const isServer = (p: ProgramInfo) =>
  p.role === "server" && SERVER_BEHAVIOURS.includes(p.behaviour ?? "");
export const isClient = (p: ProgramInfo) =>
  p.role === "client" && CLIENT_BEHAVIOURS.includes(p.behaviour ?? "");
export const isFileReader = (p: ProgramInfo) => p.role === "tool" && p.behaviour === "file-reader";

/** The fault suite's folder (its vitest config and test files). */
export const FAULTS_DIR = path.resolve(import.meta.dirname, "..");

/** The suite's test files that have programs to drive in this kata (absolute paths); none for a kata of parsers. */
export function faultFiles(kata: Kata): string[] {
  return [
    ...(kata.programs.some(isServer) ? ["test/servers.test.ts"] : []),
    ...(kata.programs.some(isClient) ? ["test/clients.test.ts"] : []),
    ...(kata.programs.some(isFileReader) ? ["test/tools.test.ts"] : []),
  ].map((f) => path.join(FAULTS_DIR, f));
}

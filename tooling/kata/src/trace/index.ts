/**
 * `kata trace` and the review's diagrams: a server or client program of a kata run against its peer from
 * solution/, drawn as a sequence diagram (text for a terminal, Mermaid for Markdown).
 */
import path from "node:path";

import type { Kata, ProgramInfo } from "@tcp-katas/katas";

import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { fenced, mdCalls } from "../md.ts";
import { mermaid, type Step, stepsOf, textDiagram } from "./diagram.ts";
import { peerOf, record, type Recording, type SideRecord } from "./record.ts";

export { firstDifference, type Step } from "./diagram.ts";
export type { Recording } from "./record.ts";

export interface Traced {
  recording: Recording;
  steps: Step[];
  program: ProgramInfo;
}

/** The kata's program named `file`, and its peer; a usage error for a tool or a library (nothing to talk to). */
export function traceable(ctx: Ctx, kata: Kata, file: string): { program: ProgramInfo; peer: ProgramInfo } {
  const program = kata.programs.find((p) => p.file === file);
  const peer = program && peerOf(kata, program);
  if (!program || !peer) {
    const names = kata.programs
      .filter((p) => peerOf(kata, p))
      .map((p) => p.file)
      .join(", ");
    throw usageError(ctx.t("trace.noPeer", { id: kata.id, file, names: names || "-" }));
  }
  return { program, peer };
}

/** How long a pair may run before the trace ends it: 5 s, as a test's wait (KATA_TRACE_DEADLINE_MS to change). */
export function traceDeadline(ctx: Ctx): number {
  const ms = Number(ctx.io.env.KATA_TRACE_DEADLINE_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 5_000;
}

/** Runs `program` from `dir` (its owner named `owner` in the diagram) against its peer from solution/. */
export async function traceProgram(
  ctx: Ctx,
  kata: Kata,
  pair: { program: ProgramInfo; peer: ProgramInfo },
  dir: string,
  owner: string,
): Promise<Traced> {
  const { program, peer } = pair;
  const recording = await record(kata, {
    program,
    file: path.join(dir, program.file),
    owner,
    peer,
    peerFile: path.join(kata.dir, "solution", peer.file),
    peerOwner: "solution/",
    deadlineMs: traceDeadline(ctx),
  });
  return { recording, steps: stepsOf(recording), program };
}

/** Each side's output, each line prefixed by its program: `[hello-client.ts stdout] Message from server...`. */
function outputs(rec: Recording): string[] {
  const lines: string[] = [];
  for (const side of [rec.server, rec.client])
    for (const [stream, text] of [
      ["stdout", side.stdout],
      ["stderr", side.stderr],
    ] as const) {
      const shown = text.split("\n");
      if (shown.at(-1) === "") shown.pop();
      const cut = shown.length > 12 ? [...shown.slice(0, 12), "…"] : shown;
      for (const line of cut) lines.push(`[${side.file} ${stream}] ${JSON.stringify(line).slice(1, -1)}`);
    }
  return lines;
}

/** How the trace ended, when a side was still blocked or it ran out of time. */
export function endNote(ctx: Ctx, rec: Recording): string | undefined {
  const blocked = [rec.server, rec.client]
    .filter((s): s is SideRecord & { blockedAtEnd: NonNullable<SideRecord["blockedAtEnd"]> } =>
      Boolean(s.blockedAtEnd),
    )
    .map((s) =>
      ctx.t("trace.blockedAtEnd", { file: s.file, call: `${s.blockedAtEnd.call}(${s.blockedAtEnd.fd})` }),
    );
  if (rec.ended === "done" && blocked.length === 0) return undefined;
  const deadline = rec.ended === "deadline" ? ctx.t("trace.deadline", { s: traceDeadline(ctx) / 1000 }) : "";
  return [deadline, ...blocked].filter(Boolean).join(" ");
}

/** The title line: which program of whose, against which peer. */
export function traceTitle(ctx: Ctx, kata: Kata, t: Traced): string {
  const [mine, theirs] =
    t.program.role === "server"
      ? [t.recording.server, t.recording.client]
      : [t.recording.client, t.recording.server];
  return ctx.t("trace.title", {
    id: kata.id,
    program: `${mine.file} (${mine.owner})`,
    peer: `${theirs.file} (${theirs.owner})`,
  });
}

/** The trace for a terminal: the title, the diagram drawn as text (at most 100 columns), the outputs. */
export function traceText(ctx: Ctx, kata: Kata, t: Traced): string {
  const { bold, dim, warn } = ctx.style;
  const end = endNote(ctx, t.recording);
  return [
    bold(traceTitle(ctx, kata, t)),
    "",
    textDiagram(t.recording, t.steps, { width: 100 }),
    ...(outputs(t.recording).length > 0 ? ["", ...outputs(t.recording).map((l) => dim(l))] : []),
    ...(end ? ["", warn(end)] : []),
  ].join("\n");
}

/** The trace as Markdown: its heading, a Mermaid block (GitHub draws it), the outputs in a fenced block. */
export function traceMarkdown(
  ctx: Ctx,
  t: Traced,
  options: { heading: string; mark?: { index: number; note: string } },
): string {
  const out = [
    options.heading,
    "",
    fenced(mermaid(t.recording, t.steps, options.mark ? { mark: options.mark } : {}), "mermaid"),
  ];
  const lines = outputs(t.recording);
  if (lines.length > 0) out.push("", fenced(lines.join("\n")));
  const end = endNote(ctx, t.recording);
  if (end) out.push("", mdCalls(end));
  return out.join("\n");
}

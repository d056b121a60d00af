/**
 * `kata trace` and the review's diagrams: a server or client program of a kata run against its peer from
 * solution/, drawn as a sequence diagram (text for a terminal, Mermaid for Markdown).
 */
import type { Kata, ProgramInfo } from "@tcp-katas/katas";

import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { fenced, mdCalls } from "../md.ts";
import { type Mark, mermaid, participant, type Step, stepsOf, textDiagram } from "./diagram.ts";
import { type Pair, peerOf, record, type Recording } from "./record.ts";

export { firstDifference } from "./diagram.ts";

export interface Traced {
  recording: Recording;
  steps: Step[];
  program: ProgramInfo;
}

/** The kata's program named `file`, and its peer; a usage error for a tool or a library (nothing to talk to). */
export function traceable(ctx: Ctx, kata: Kata, file: string): Pair {
  const program = kata.programs.find((p) => p.file === file);
  const peer = program && peerOf(kata, program);
  if (!program || !peer) {
    const names = kata.programs.filter((p) => peerOf(kata, p)).map((p) => p.file);
    throw usageError(ctx.t("trace.noPeer", { id: kata.id, file, names: names.join(", ") || "-" }));
  }
  return { program, peer };
}

/** How long a pair may run before the trace ends it: 5 s, as a test's wait (KATA_TRACE_DEADLINE_MS to change). */
function traceDeadline(ctx: Ctx): number {
  const ms = Number(ctx.io.env.KATA_TRACE_DEADLINE_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 5_000;
}

/** Runs `pair.program` from `dir` (its owner named `owner` in the diagram) against its peer from solution/. */
export async function traceProgram(
  ctx: Ctx,
  kata: Kata,
  pair: Pair,
  dir: string,
  owner: string,
): Promise<Traced> {
  const recording = await record(kata, pair, dir, owner, traceDeadline(ctx));
  return {
    recording,
    steps: stepsOf(recording, { blocks: ctx.t("trace.blocks"), still: ctx.t("trace.still") }),
    program: pair.program,
  };
}

/** Each side's output, each line prefixed by its program: `[hello-client.ts stdout] Message from server...`. */
function outputs(rec: Recording): string[] {
  return [rec.server, rec.client].flatMap((side) =>
    (["stdout", "stderr"] as const).flatMap((stream) => {
      const shown = side[stream].split("\n");
      if (shown.at(-1) === "") shown.pop();
      const cut = shown.length > 12 ? [...shown.slice(0, 12), "…"] : shown;
      return cut.map((line) => `[${side.file} ${stream}] ${JSON.stringify(line).slice(1, -1)}`);
    }),
  );
}

/** How the trace ended when it ran out of time, and where each side was still blocked (set only then). */
function endNote(ctx: Ctx, rec: Recording): string | undefined {
  if (rec.ended === "done") return undefined;
  const blocked = [rec.server, rec.client].flatMap(({ file, blockedAtEnd: b }) =>
    b ? [ctx.t("trace.blockedAtEnd", { file, call: `${b.call}(${b.fd})` })] : [],
  );
  return [ctx.t("trace.deadline", { s: traceDeadline(ctx) / 1000 }), ...blocked].join(" ");
}

/** The title line: which program of whose, against which peer. */
export function traceTitle(ctx: Ctx, kata: Kata, { recording: r, program }: Traced): string {
  const [mine, theirs] = program.role === "server" ? [r.server, r.client] : [r.client, r.server];
  return ctx.t("trace.title", { id: kata.id, program: participant(mine), peer: participant(theirs) });
}

/** The trace for a terminal: the title, the diagram drawn as text (at most 100 columns), the outputs. */
export function traceText(ctx: Ctx, kata: Kata, t: Traced): string {
  const { bold, dim, warn } = ctx.style;
  const end = endNote(ctx, t.recording);
  const lines = outputs(t.recording);
  return [
    bold(traceTitle(ctx, kata, t)),
    "",
    textDiagram(t.recording, t.steps),
    ...(lines.length > 0 ? ["", ...lines.map((l) => dim(l))] : []),
    ...(end ? ["", warn(end)] : []),
  ].join("\n");
}

/** The trace as Markdown: its heading, a Mermaid block (GitHub draws it), the outputs in a fenced block. */
export function traceMarkdown(ctx: Ctx, t: Traced, options: { heading: string; mark?: Mark }): string {
  const out = [options.heading, "", fenced(mermaid(t.recording, t.steps, options.mark), "mermaid")];
  const lines = outputs(t.recording);
  if (lines.length > 0) out.push("", fenced(lines.join("\n")));
  const end = endNote(ctx, t.recording);
  if (end) out.push("", mdCalls(end));
  return out.join("\n");
}

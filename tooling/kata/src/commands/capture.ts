import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";

import { CaptureUnavailable, captureWhile, findTcpdump } from "../capture.ts";
import type { Command } from "../command.ts";
import { playDemo } from "../demo-player.ts";
import { CliError } from "../errors.ts";
import { findKata } from "../lookup.ts";
import type { DemoStep, Kata } from "../manifest.ts";
import { programFile } from "../programs.ts";

/** The demo's steps up to the end of the first actor that runs `file` (the rest of its cast is stopped then). */
function stepsFor(kata: Kata, file: string): DemoStep[] {
  const actor = kata.demo.find(
    (s): s is Extract<DemoStep, { start: string }> => "start" in s && s.program === file,
  )?.start;
  if (actor === undefined) return kata.demo;
  const end = kata.demo.findIndex(
    (s) => ("exit" in s && s.exit === actor) || ("stop" in s && s.stop === actor),
  );
  return end === -1 ? kata.demo : kata.demo.slice(0, end + 1);
}

/** How many packets a classic pcap file holds (its records, in either byte order). */
function countRecords(file: Buffer): number {
  const little = file.readUInt32LE(0) === 0xa1b2c3d4 || file.readUInt32LE(0) === 0xa1b23c4d;
  let count = 0;
  for (let at = 24; at + 16 <= file.length; count++)
    at += 16 + (little ? file.readUInt32LE(at + 8) : file.readUInt32BE(at + 8));
  return count;
}

/** Runs a kata's demo (or one program's part of it) under tcpdump and writes a pcap for 04-1's dissect.ts. */
export const capture: Command = {
  name: "capture",
  options: { out: { type: "string" }, any: { type: "boolean" } },
  min: 1,
  max: 2,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    if (kata.demo.length === 0) throw new CliError(ctx.t("demo.none", { id: kata.id }));
    const steps = positionals[1]
      ? stepsFor(kata, path.basename(programFile(ctx, kata, kata.dir, positionals[1])))
      : kata.demo;
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const out = path.resolve(
      ctx.io.cwd,
      typeof values.out === "string"
        ? values.out
        : path.join(ctx.stateDir, "captures", `${kata.id}-${stamp}.pcap`),
    );
    if (!existsSync(path.dirname(out)) && typeof values.out === "string")
      throw new CliError(ctx.t("target.missing", { dir: path.dirname(out) }));
    try {
      let ports: number[] = [];
      const result = await captureWhile(
        { out, filter: "tcp", ...(values.any === true ? { interface: "any" } : {}) },
        async () => {
          ports = await playDemo(ctx, kata, steps);
        },
      );
      // The loopback carries other programs' traffic too: keep only the connections of the demo's servers.
      let packets = result.packets;
      const tcpdump = findTcpdump();
      if (tcpdump && ports.length > 0) {
        const kept = `${out}.kept`;
        execFileSync(tcpdump, ["-r", out, "-w", kept, ports.map((p) => `tcp port ${p}`).join(" or ")], {
          stdio: "ignore",
        });
        renameSync(kept, out);
        packets = countRecords(readFileSync(out));
      }
      const shown = path.relative(ctx.io.cwd, result.path) || result.path;
      ctx.out("");
      ctx.out(ctx.style.ok(ctx.t("capture.done", { packets, path: shown, link: result.linkType })));
      ctx.out(
        ctx.t("capture.next", {
          command: ctx.style.accent(`pnpm kata run 04-1 dissect ${shown} --solution`),
        }),
      );
      return 0;
    } catch (err) {
      if (err instanceof CaptureUnavailable) throw new CliError(err.message);
      throw err;
    }
  },
};

import { once } from "node:events";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";

import type { DemoStep, Kata } from "@tcp-katas/katas";

import { CaptureHoles, CaptureUnavailable, captureUnavailable, captureWhile } from "../capture.ts";
import type { Command } from "../command.ts";
import { playDemo } from "../demo-player.ts";
import { CliError } from "../errors.ts";
import { findKata } from "../lookup.ts";
import { programFile } from "../programs.ts";

/** A busy machine can overflow tcpdump's buffer; the demo is played again this many times in all before giving up. */
const ATTEMPTS = 3;

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

/** A loopback port free right now (the kernel's pick for port 0; Node's SO_REUSEADDR lets the server take it next). */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/**
 * The steps with each server's `0` port (its `<port>` argument) replaced by a port picked up front, and those
 * ports: tcpdump's filter then keeps the demo's connections only, in the kernel, whatever else the loopback
 * carries (a test suite streaming megabytes next to it would otherwise fill tcpdump's buffer).
 */
async function withPorts(kata: Kata, steps: DemoStep[]): Promise<{ steps: DemoStep[]; ports: number[] }> {
  const ports: number[] = [];
  const planned: DemoStep[] = [];
  for (const step of steps) {
    const program = "start" in step ? kata.programs.find((p) => p.file === step.program) : undefined;
    const at = program?.role === "server" ? program.args.indexOf("<port>") : -1;
    if ("start" in step && at !== -1 && step.args[at] === "0") {
      const port = await freePort();
      ports.push(port);
      planned.push({ ...step, args: step.args.map((a, i) => (i === at ? String(port) : a)) });
    } else planned.push(step);
  }
  return { steps: planned, ports };
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
    const given = typeof values.out === "string" ? values.out : undefined;
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const out = path.resolve(
      ctx.io.cwd,
      given ?? path.join(ctx.stateDir, "captures", `${kata.id}-${stamp}.pcap`),
    );
    if (given !== undefined && !existsSync(path.dirname(out)))
      throw new CliError(ctx.t("target.missing", { dir: path.dirname(out) }));
    const planned = await withPorts(kata, steps);
    if (planned.ports.length === 0) throw new CliError(ctx.t("capture.noServer", { id: kata.id }));
    const filter = planned.ports.map((p) => `tcp port ${p}`).join(" or ");
    const options = { out, filter, interface: values.any === true ? "any" : undefined };
    let result;
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await captureWhile(options, () => playDemo(ctx, kata, planned.steps));
      } catch (err) {
        if (err instanceof CaptureHoles && attempt < ATTEMPTS)
          ctx.err(
            ctx.style.warn(
              ctx.t("capture.again", { dropped: err.dropped, attempt: attempt + 1, of: ATTEMPTS }),
            ),
          );
        else if (err instanceof CaptureUnavailable)
          throw new CliError(
            captureUnavailable((key, params) => ctx.t(key, params), err.reason, err.binary, err.detail),
          );
        else if (err instanceof CaptureHoles)
          throw new CliError(ctx.t("capture.holes", { dropped: err.dropped }));
        else throw err;
      }
    }
    const shown = path.relative(ctx.io.cwd, result.path) || result.path;
    ctx.out("");
    ctx.out(
      ctx.style.ok(ctx.t("capture.done", { packets: result.packets, path: shown, link: result.linkType })),
    );
    ctx.out(
      ctx.t("capture.next", { command: ctx.style.accent(`pnpm kata run 04-1 dissect ${shown} --solution`) }),
    );
    return 0;
  },
};

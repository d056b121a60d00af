import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import type { Command } from "../command.ts";
import { CliError, usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";

/** Restores a kata's starter/, after copying the learner's files to .kata/backups/<kata>-<time>/. */
export const reset: Command = {
  name: "reset",
  options: { yes: { type: "boolean", short: "y" } },
  min: 1,
  max: 1,
  async run(ctx, { values, positionals }) {
    const kata = findKata(ctx, positionals[0]);
    const root = ctx.root;
    const starter = path.join(kata.dir, "starter");
    const rel = path.relative(root, starter).split(path.sep).join("/");
    if (values.yes !== true) {
      if (!ctx.io.stdin.isTTY) throw usageError(ctx.t("reset.needYes"));
      const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stdout });
      const answer = await rl.question(ctx.t("reset.confirm", { rel })).finally(() => rl.close());
      if (!/^(y|yes|예|네|ㅇ)$/i.test(answer.trim())) {
        ctx.out(ctx.t("reset.nothing"));
        return 1;
      }
    }
    // The commit whose starter/ counts as pristine: upstream main if known, else HEAD.
    const ref = ["origin/main", "upstream/main", "HEAD"].find(
      (r) => spawnSync("git", ["rev-parse", "--verify", "--quiet", r], { cwd: root }).status === 0,
    );
    if (!ref) throw new CliError(ctx.t("reset.noGit"));
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const backup = path.join(ctx.stateDir, "backups", `${kata.id}-${stamp}`);
    if (existsSync(starter) && readdirSync(starter).length > 0) {
      mkdirSync(backup, { recursive: true });
      cpSync(starter, backup, { recursive: true });
    }
    rmSync(starter, { recursive: true, force: true });
    execFileSync("git", ["checkout", ref, "--", rel], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Afresh means the hints too: the next `kata hint` starts at the first hint of the first stage.
    const hints = path.join(ctx.stateDir, "hints.json");
    if (existsSync(hints)) {
      const seen = JSON.parse(readFileSync(hints, "utf8")) as Record<string, unknown>;
      delete seen[kata.id];
      writeFileSync(hints, `${JSON.stringify(seen, null, 2)}\n`);
    }
    ctx.out(ctx.style.ok(ctx.t("reset.done", { rel, ref })));
    ctx.out(ctx.t("reset.afresh", { id: kata.id }));
    if (existsSync(backup))
      ctx.out(ctx.t("reset.backup", { path: ctx.style.bold(path.relative(ctx.io.cwd, backup) || backup) }));
    return 0;
  },
};

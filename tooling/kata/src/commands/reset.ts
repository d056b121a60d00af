import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import type { Command } from "../command.ts";
import type { Ctx } from "../context.ts";
import { CliError, usageError } from "../errors.ts";
import { findKata } from "../lookup.ts";

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The commit whose starter/ counts as pristine: upstream main if known, else HEAD. */
function pristineRef(ctx: Ctx, root: string): string {
  const ref = ["origin/main", "upstream/main", "HEAD"].find((r) => {
    try {
      git(["rev-parse", "--verify", "--quiet", r], root);
      return true;
    } catch {
      return false;
    }
  });
  if (!ref) throw new CliError(ctx.t("reset.noGit"));
  return ref;
}

async function confirm(ctx: Ctx, question: string): Promise<boolean> {
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stdout });
  try {
    return /^(y|yes|예|네|ㅇ)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

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
      if (!(await confirm(ctx, ctx.t("reset.confirm", { rel })))) {
        ctx.out(ctx.t("reset.nothing"));
        return 1;
      }
    }
    const ref = pristineRef(ctx, root);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const backup = path.join(ctx.stateDir, "backups", `${kata.id}-${stamp}`);
    if (existsSync(starter) && readdirSync(starter).length > 0) {
      mkdirSync(backup, { recursive: true });
      cpSync(starter, backup, { recursive: true });
    }
    rmSync(starter, { recursive: true, force: true });
    git(["checkout", ref, "--", rel], root);
    // Afresh means the hints too: the next `kata hint` starts at the first hint of the first stage.
    const hints = path.join(ctx.stateDir, "hints.json");
    if (existsSync(hints)) {
      const seen = JSON.parse(readFileSync(hints, "utf8")) as Record<string, unknown>;
      delete seen[kata.id];
      writeFileSync(hints, `${JSON.stringify(seen, null, 2)}\n`);
    }
    ctx.out(`${ctx.style.ok(ctx.t("reset.done", { rel, ref }))}`);
    ctx.out(ctx.t("reset.afresh", { id: kata.id }));
    if (existsSync(backup))
      ctx.out(ctx.t("reset.backup", { path: ctx.style.bold(path.relative(ctx.io.cwd, backup) || backup) }));
    return 0;
  },
};

import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { Ctx } from "../context.ts";
import { usageError } from "../errors.ts";
import { Session } from "../runner/session.ts";
import { stageFiles } from "../runner/stages.ts";

/** Every *.test.ts under a package's test/ and src/ (not under node_modules, fixtures or wrong attempts). */
function testsUnder(dir: string): string[] {
  return ["test", "src"]
    .filter((sub) => existsSync(path.join(dir, sub)))
    .flatMap((sub) =>
      readdirSync(path.join(dir, sub), { recursive: true, encoding: "utf8" }).map((f) => path.join(sub, f)),
    )
    .filter((f) => f.endsWith(".test.ts") && !/[\\/](node_modules|fixtures|wrong)[\\/]/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Every package with tests: shared, tooling/*, and each kata (against its solution), found on disk. */
function suites(ctx: Ctx): { name: string; dir: string; files: string[] }[] {
  const dirs = [path.join(ctx.root, "shared")];
  const tooling = path.join(ctx.root, "tooling");
  if (existsSync(tooling)) for (const d of readdirSync(tooling).sort()) dirs.push(path.join(tooling, d));
  const libraries = dirs.filter((d) => {
    try {
      return Boolean(
        (JSON.parse(readFileSync(path.join(d, "package.json"), "utf8")) as { scripts?: { test?: string } })
          .scripts?.test,
      );
    } catch {
      return false;
    }
  });
  return [
    ...libraries.map((dir) => ({ name: path.relative(ctx.root, dir), dir, files: testsUnder(dir) })),
    ...ctx.katas().map((k) => ({ name: k.id, dir: k.dir, files: stageFiles(k) })),
  ].filter((s) => s.files.length > 0);
}

/** Runs every suite that must be green N times with a busy CPU alongside, and lists every test that failed. */
export async function flake(ctx: Ctx, arg: string | undefined): Promise<number> {
  const n = arg ? Number(arg) : 10;
  if (!Number.isInteger(n) || n < 1) throw usageError(ctx.t("flake.badN", { n: arg ?? "" }));
  const all = suites(ctx);
  const { bad, bold, dim, ok } = ctx.style;
  // One core spins for the whole run: timing assumptions show up as failures.
  const busy = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
  const failures = new Map<string, { count: number; message: string }>();
  let total = 0;
  const note = (key: string, message: string) =>
    failures.set(key, {
      count: (failures.get(key)?.count ?? 0) + 1,
      message: message.split("\n").slice(0, 3).join(" "),
    });
  // One vitest per suite, kept warm across the rounds (as watch does): each round re-runs the tests, not vitest.
  const sessions = new Map(all.map((suite) => [suite, new Session(suite.dir, { target: "solution" })]));
  try {
    for (let i = 1; i <= n; i++) {
      for (const [suite, session] of sessions) {
        ctx.progress(i - 1, n, ctx.t("flake.progress", { i, name: suite.name }));
        const outcome = await session.run(suite.files);
        if (outcome.crash) note(ctx.t("flake.didNotRun", { name: suite.name }), outcome.crash);
        for (const e of outcome.fileErrors) note(`${suite.name} › ${e.file}`, e.message);
        for (const t of outcome.tests) {
          total++;
          if (t.status === "failed") note(`${suite.name} › ${t.group} › ${t.title}`, t.failure ?? "");
        }
      }
      // Piped (CI logs), the progress bar is silent: one line per round instead.
      if (!ctx.io.stderr.isTTY) ctx.err(dim(ctx.t("flake.round", { i, n, total, failed: failures.size })));
    }
  } finally {
    busy.kill("SIGKILL");
    await Promise.all([...sessions.values()].map((s) => s.close()));
    ctx.progress(n, n, "");
  }
  ctx.out(bold(ctx.t("flake.summary", { n, total })));
  if (failures.size === 0) {
    ctx.out(ok(ctx.t("flake.none")));
    return 0;
  }
  ctx.out(bad(ctx.t("flake.some", { count: failures.size })));
  for (const [name, f] of failures) ctx.out(`  ${bad(`${f.count}/${n}`)} ${name}\n      ${dim(f.message)}`);
  return 1;
}

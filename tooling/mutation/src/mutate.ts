// StrykerJS 9.6 (10.x requires Node 22; this project runs on Node 20.19+).
// pnpm test:mutation [kata...|shared]: StrykerJS over each kata's solution/ and over shared/src, one run per
// target, one after another (2 shared cores). Incremental: a re-run tests only the mutants whose code or
// covering tests changed. Reports and state live in .stryker/ at the repository root (git-ignored).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { type Target, targets } from "./targets.ts";

const require = createRequire(import.meta.url);
const strykerBin = path.join(
  path.dirname(require.resolve("@stryker-mutator/core/package.json")),
  "bin/stryker.js",
);
const vitestRunner = require.resolve("@stryker-mutator/vitest-runner");

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

interface MutationReport {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

interface Score {
  target: Target;
  killed: number;
  survived: number;
  noCoverage: number;
  timedOut: number;
  /** Static mutants skipped on purpose (Target.ignoreStatic): not in the score. */
  ignored: number;
  errors: number;
  seconds: number;
  code: number;
}

const ISOLATED_CONFIG = "vitest.stryker.config.mjs";

/**
 * The target's vitest config with `isolate: true`: a static mutant (module-level code) takes effect only when its
 * module is imported afresh, and a worker reused across files keeps the module of an earlier run, so such mutants
 * would survive falsely. The project's presets reuse workers (faster); only mutation testing isolates.
 */
function isolatedConfig(t: Target): string {
  // Beside the package's own config (git-ignored), so that Stryker's sandbox copy has it too.
  const file = path.join(t.dir, ISOLATED_CONFIG);
  writeFileSync(
    file,
    `import config from "./vitest.config.ts";\nexport default { ...config, test: { ...config.test, isolate: true } };\n`,
  );
  return file;
}

/** The Stryker options for one target; paths are relative to the target's folder (Stryker's cwd). */
function options(t: Target, out: string) {
  return {
    $schema: path.relative(t.dir, path.join(path.dirname(strykerBin), "../schema/stryker-schema.json")),
    packageManager: "pnpm",
    testRunner: "vitest",
    plugins: [vitestRunner],
    // The package's own config, with every test file isolated (see isolatedConfig). Kata tests run the target
    // behind the boundary, by path, which vitest cannot trace to a source file: no "related" tests.
    vitest: { configFile: path.relative(t.dir, isolatedConfig(t)), related: false },
    mutate: t.mutate,
    // One test worker: the machine has 2 cores and the tests themselves open real sockets and processes.
    concurrency: 1,
    coverageAnalysis: "perTest",
    // Tests wait for sockets and deadlines; give a slow mutant room before calling it a time-out.
    timeoutMS: 20_000,
    timeoutFactor: 2,
    incremental: true,
    incrementalFile: path.relative(t.dir, path.join(out, "incremental.json")),
    reporters: ["html", "json", "progress"],
    htmlReporter: { fileName: path.relative(t.dir, path.join(out, "index.html")) },
    jsonReporter: { fileName: path.relative(t.dir, path.join(out, "mutation.json")) },
    tempDirName: path.relative(t.dir, path.join(out, "tmp")),
    cleanTempDir: true,
    thresholds: { high: 90, low: 70, break: t.breakAt },
    ignoreStatic: t.ignoreStatic ?? false,
    // The wrong attempts and the learner's starter are not what is under test.
    ignorePatterns: ["starter", "test/wrong", ".kata", "coverage"],
  };
}

function count(report: MutationReport, status: string): number {
  return Object.values(report.files).reduce(
    (n, f) => n + f.mutants.filter((m) => m.status === status).length,
    0,
  );
}

async function run(t: Target, root: string): Promise<Score> {
  const out = path.join(root, ".stryker", t.id);
  mkdirSync(out, { recursive: true });
  const config = path.join(out, "stryker.config.json");
  writeFileSync(config, `${JSON.stringify(options(t, out), null, 2)}\n`);
  console.log(
    `\n== ${t.id}: mutating ${t.mutate.join(", ")} (report: ${path.relative(root, out)}/index.html)`,
  );
  const started = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [strykerBin, "run", config], {
      cwd: t.dir,
      stdio: "inherit",
      // Stryker switches mutants and counts coverage through the global __stryker__: the test boundary carries
      // it into the threads where the programs under test run, and brings their counts back.
      env: { ...process.env, KATA_TARGET: "solution", CI: "1", KATA_BOUNDARY_GLOBALS: "__stryker__" },
    });
    child.once("error", reject);
    child.once("close", (c) => resolve(c ?? 1));
  });
  rmSync(path.join(t.dir, ISOLATED_CONFIG), { force: true });
  const seconds = (Date.now() - started) / 1000;
  const json = path.join(out, "mutation.json");
  const report: MutationReport = existsSync(json)
    ? (JSON.parse(readFileSync(json, "utf8")) as MutationReport)
    : { files: {} };
  return {
    target: t,
    killed: count(report, "Killed"),
    survived: count(report, "Survived"),
    noCoverage: count(report, "NoCoverage"),
    timedOut: count(report, "Timeout"),
    ignored: count(report, "Ignored"),
    errors: count(report, "RuntimeError") + count(report, "CompileError"),
    seconds,
    code,
  };
}

/** Stryker's mutation score: detected (killed or timed out) over all valid mutants. */
function score(s: Score): number {
  const valid = s.killed + s.timedOut + s.survived + s.noCoverage;
  return valid === 0 ? 0 : (100 * (s.killed + s.timedOut)) / valid;
}

function table(scores: Score[]): string {
  const rows = [
    ["target", "score", "break at", "killed", "timed out", "survived", "no coverage", "ignored", "time"],
    ...scores.map((s) => [
      s.target.id,
      `${score(s).toFixed(1)} %`,
      s.target.breakAt === null ? "-" : `${s.target.breakAt} %`,
      String(s.killed),
      String(s.timedOut),
      String(s.survived),
      String(s.noCoverage),
      String(s.ignored),
      `${Math.round(s.seconds)} s`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [
    line(rows[0] ?? []),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** The code a mutant replaced, on one line and cut short. */
function original(source: string, m: Mutant): string {
  const lines = source.split("\n").slice(m.location.start.line - 1, m.location.end.line);
  if (lines.length === 0) return "";
  lines[lines.length - 1] = (lines.at(-1) ?? "").slice(0, m.location.end.column - 1);
  lines[0] = (lines[0] ?? "").slice(m.location.start.column - 1);
  const text = lines.map((l) => l.trim()).join(" ");
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

/** The survivors and uncovered mutants of each target's last report, one line each, for triage. */
function survivors(chosen: Target[], root: string): number {
  let missing = 0;
  for (const t of chosen) {
    const json = path.join(root, ".stryker", t.id, "mutation.json");
    if (!existsSync(json)) {
      console.error(
        `${t.id}: no report yet (${path.relative(root, json)}); run pnpm test:mutation ${t.id} first.`,
      );
      missing++;
      continue;
    }
    const report = JSON.parse(readFileSync(json, "utf8")) as MutationReport;
    console.log(`== ${t.id}`);
    for (const [file, { source, mutants }] of Object.entries(report.files)) {
      for (const m of mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
        const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
        const status = m.status === "Survived" ? "survived" : "no coverage";
        console.log(
          `${where}  ${status}  ${m.mutatorName}: ${original(source, m)}  ->  ${(m.replacement ?? "?").replace(/\s+/g, " ")}`,
        );
      }
    }
  }
  return missing === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      "Usage: pnpm test:mutation [kata|shared ...] [--mutate <glob,...>] [--survivors]\n" +
        "  Runs StrykerJS over each kata's solution/ and over shared/src (all when none is named).\n" +
        "  A kata may be named by a prefix (04-3). --mutate narrows the files (e.g. src/framing/**/*.ts).\n" +
        "  --survivors lists the surviving and uncovered mutants of the last run, without running anything.\n" +
        "  Reports: .stryker/<target>/index.html",
    );
    return 0;
  }
  const listOnly = argv.includes("--survivors");
  argv = argv.filter((a) => a !== "--survivors");
  // --mutate <globs>: narrow one run to some files (comma-separated, relative to the target's folder).
  const at = argv.indexOf("--mutate");
  const narrowed = at === -1 ? undefined : (argv[at + 1] ?? "").split(",").filter(Boolean);
  if (at !== -1) argv = argv.filter((_, i) => i !== at && i !== at + 1);
  const { root, all: found } = targets();
  const all = narrowed ? found.map((t) => ({ ...t, mutate: narrowed })) : found;
  const chosen =
    argv.length === 0 ? all : all.filter((t) => argv.some((a) => t.id === a || t.id.startsWith(a)));
  const unknown = argv.filter((a) => !all.some((t) => t.id === a || t.id.startsWith(a)));
  if (unknown.length > 0) {
    console.error(`No such kata or target: ${unknown.join(", ")}. Known: ${all.map((t) => t.id).join(", ")}`);
    return 2;
  }
  if (listOnly) return survivors(chosen, root);
  const scores: Score[] = [];
  for (const t of chosen) scores.push(await run(t, root));
  console.log(`\nMutation scores (reports in .stryker/<target>/index.html):\n\n${table(scores)}\n`);
  const broken = scores.filter((s) => s.code !== 0);
  for (const s of broken)
    console.error(`${s.target.id}: Stryker exited with ${s.code} (below its break threshold, or failed).`);
  return broken.length === 0 ? 0 : 1;
}

// `--survivors | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await main(process.argv.slice(2));

// StrykerJS 9.6 (10.x requires Node 22; this project runs on Node 20.19+).
// pnpm test:mutation [kata...|shared]: StrykerJS over each kata's solution/ and over shared/src, one run per
// target, one after another (2 shared cores). Incremental: a re-run tests only the mutants whose code or
// covering tests changed. Reports and state live in .stryker/ at the repository root (git-ignored).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { findWorkspace, loadKatas } from "@tcp-katas/katas";

const require = createRequire(import.meta.url);
const strykerBin = path.join(
  path.dirname(require.resolve("@stryker-mutator/core/package.json")),
  "bin/stryker.js",
);
const vitestRunner = require.resolve("@stryker-mutator/vitest-runner");
const ROOT = findWorkspace(import.meta.dirname);

interface Target {
  /** The kata's id, or "shared-<area>". */
  id: string;
  /** The folder Stryker runs in (the package with the vitest config). */
  dir: string;
  /** Globs of the files to mutate, relative to dir. */
  mutate: string[];
  /** The score under which the run fails (Stryker's thresholds.break), or null for none yet. */
  breakAt: number | null;
  /**
   * Skip static mutants (module-level code, run once at import): each one reruns every test of the package.
   * For shared-testing they are a quarter of the mutants and three quarters of the time.
   */
  ignoreStatic?: boolean;
}

/** Every kata under chapters/ (read through @tcp-katas/katas: this package depends on no kata), and shared/src. */
function targets(): Target[] {
  const thresholds = JSON.parse(
    readFileSync(path.join(import.meta.dirname, "../thresholds.json"), "utf8"),
  ) as Record<string, number>;
  const katas = loadKatas(ROOT).map(({ id, dir }) => ({
    id,
    dir,
    mutate: ["solution/**/*.ts"],
    breakAt: thresholds[id] ?? null,
  }));
  // shared/src in three areas, each a target of its own (report, incremental state, threshold): a mutant in
  // the socket layers reruns most of shared's socket tests, so the layers alone take longer than the rest.
  // `pnpm test:mutation shared` runs the three.
  const areas: [string, string[]][] = [
    ["shared-framing", ["src/framing/**/*.ts", "src/cli/**/*.ts"]],
    ["shared-layers", ["src/posix/**/*.ts", "src/winsock/**/*.ts", "src/internal/**/*.ts"]],
    ["shared-testing", ["src/testing/**/*.ts", "src/i18n/**/*.ts"]],
  ];
  // shared's index.ts files that only re-export (the layers' index.ts files hold their API's code: mutated).
  const barrels = ["cli", "framing", "i18n", "testing"].map((area) => `!src/${area}/index.ts`);
  return [
    ...katas,
    ...areas.map(([id, globs]) => ({
      id,
      ignoreStatic: id === "shared-testing",
      dir: path.join(ROOT, "shared"),
      mutate: [...globs, ...barrels],
      breakAt: thresholds[id] ?? null,
    })),
  ];
}

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

interface MutationReport {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

/** The statuses the table counts ("Ignored": static mutants skipped on purpose, not in the score). */
const STATUSES = ["Killed", "Timeout", "Survived", "NoCoverage", "Ignored"];

const outDir = (t: Target) => path.join(ROOT, ".stryker", t.id);
const reportFile = (t: Target) => path.join(outDir(t), "mutation.json");
const readReport = (t: Target) =>
  existsSync(reportFile(t)) ? (JSON.parse(readFileSync(reportFile(t), "utf8")) as MutationReport) : undefined;

const ISOLATED_CONFIG = "vitest.stryker.config.mjs";

/** The Stryker options for one target; paths are relative to the target's folder (Stryker's cwd). */
function options(t: Target) {
  const out = outDir(t);
  // The package's own config with `isolate: true`: a static mutant takes effect only when its module is imported
  // afresh, which a worker reused across files (the presets' default, faster) does not do. Written beside that
  // config (git-ignored), so that Stryker's sandbox copy has it too.
  writeFileSync(
    path.join(t.dir, ISOLATED_CONFIG),
    `import config from "./vitest.config.ts";\nexport default { ...config, test: { ...config.test, isolate: true } };\n`,
  );
  return {
    $schema: path.relative(t.dir, path.join(path.dirname(strykerBin), "../schema/stryker-schema.json")),
    packageManager: "pnpm",
    testRunner: "vitest",
    plugins: [vitestRunner],
    // Kata tests run the target behind the boundary, by path, which vitest cannot trace to a source file: no
    // "related" tests.
    vitest: { configFile: ISOLATED_CONFIG, related: false },
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
    jsonReporter: { fileName: path.relative(t.dir, reportFile(t)) },
    tempDirName: path.relative(t.dir, path.join(out, "tmp")),
    cleanTempDir: true,
    thresholds: { high: 90, low: 70, break: t.breakAt },
    ignoreStatic: t.ignoreStatic ?? false,
    // vitest never type-checks, and the `// @ts-nocheck` Stryker would add shifts every file a line down (a test
    // pins the line of a stack frame in a fixture).
    disableTypeChecks: false,
    // The wrong attempts and the learner's starter are not what is under test.
    ignorePatterns: ["starter", "test/wrong", ".kata", "coverage"],
  };
}

async function run(t: Target, dryRun: boolean) {
  mkdirSync(outDir(t), { recursive: true });
  const config = path.join(outDir(t), "stryker.config.json");
  writeFileSync(config, `${JSON.stringify(options(t), null, 2)}\n`);
  console.log(
    `\n== ${t.id}: mutating ${t.mutate.join(", ")} (report: ${path.relative(ROOT, outDir(t))}/index.html)`,
  );
  const started = Date.now();
  const child = spawn(process.execPath, [strykerBin, "run", config, ...(dryRun ? ["--dryRunOnly"] : [])], {
    cwd: t.dir,
    stdio: "inherit",
    // Stryker switches mutants and counts coverage through the global __stryker__: the test boundary carries
    // it into the threads where the programs under test run, and brings their counts back.
    env: { ...process.env, KATA_TARGET: "solution", CI: "1", KATA_BOUNDARY_GLOBALS: "__stryker__" },
  });
  const [code] = (await once(child, "close")) as [number | null];
  rmSync(path.join(t.dir, ISOLATED_CONFIG), { force: true });
  const counts: Record<string, number> = {};
  for (const { mutants } of Object.values((!dryRun && readReport(t)?.files) || {}))
    for (const m of mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  return { target: t, counts, seconds: (Date.now() - started) / 1000, code: code ?? 1 };
}
type Score = Awaited<ReturnType<typeof run>>;

function table(scores: Score[]): string {
  const rows = [
    ["target", "score", "break at", "killed", "timed out", "survived", "no coverage", "ignored", "time"],
    ...scores.map(({ target, counts, seconds }) => {
      const n = (status: string) => counts[status] ?? 0;
      // Stryker's mutation score: detected (killed or timed out) over all valid mutants.
      const valid = n("Killed") + n("Timeout") + n("Survived") + n("NoCoverage");
      const score = valid === 0 ? 0 : (100 * (n("Killed") + n("Timeout"))) / valid;
      return [
        target.id,
        `${score.toFixed(1)} %`,
        target.breakAt === null ? "-" : `${target.breakAt} %`,
        ...STATUSES.map((status) => String(n(status))),
        `${Math.round(seconds)} s`,
      ];
    }),
  ];
  const [head = [], ...body] = rows;
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
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
function survivors(chosen: Target[]): number {
  let missing = 0;
  for (const t of chosen) {
    const report = readReport(t);
    if (!report) {
      console.error(
        `${t.id}: no report yet (${path.relative(ROOT, reportFile(t))}); run pnpm test:mutation ${t.id} first.`,
      );
      missing++;
      continue;
    }
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
      "Usage: pnpm test:mutation [kata|shared ...] [--mutate <glob,...>] [--survivors | --dry-run]\n" +
        "  Runs StrykerJS over each kata's solution/ and over shared/src (all when none is named).\n" +
        "  A kata may be named by a prefix (04-3). --mutate narrows the files (e.g. src/framing/**/*.ts).\n" +
        "  --survivors lists the surviving and uncovered mutants of the last run, without running anything.\n" +
        "  --dry-run only runs the tests once under Stryker's instrumentation (what CI checks: the setup works).\n" +
        "  Reports: .stryker/<target>/index.html",
    );
    return 0;
  }
  const listOnly = argv.includes("--survivors");
  const dryRun = argv.includes("--dry-run");
  argv = argv.filter((a) => a !== "--survivors" && a !== "--dry-run");
  // --mutate <globs>: narrow one run to some files (comma-separated, relative to the target's folder).
  const at = argv.indexOf("--mutate");
  const narrowed = at === -1 ? undefined : (argv[at + 1] ?? "").split(",").filter(Boolean);
  if (at !== -1) argv = argv.filter((_, i) => i !== at && i !== at + 1);
  const all = targets().map((t) => (narrowed ? { ...t, mutate: narrowed } : t));
  // A kata may be named by a prefix of its id.
  const chosen = argv.length === 0 ? all : all.filter((t) => argv.some((a) => t.id.startsWith(a)));
  const unknown = argv.filter((a) => !all.some((t) => t.id.startsWith(a)));
  if (unknown.length > 0) {
    console.error(`No such kata or target: ${unknown.join(", ")}. Known: ${all.map((t) => t.id).join(", ")}`);
    return 2;
  }
  if (listOnly) return survivors(chosen);
  const scores: Score[] = [];
  for (const t of chosen) scores.push(await run(t, dryRun));
  if (!dryRun)
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

/**
 * A learner's file bundled by esbuild with this folder's host into one module (a worker loads it in about 30 ms;
 * TypeScript through a loader took 130 ms). A file that does not compile is reported as `file:line:column:
 * message`, once, without a stack. Bundles are kept by content under `<kata>/node_modules/.cache/tcp-katas/`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

import { KataError } from "../../cli/errors.ts";

/** A program file that cannot be loaded: it does not compile, or an import cannot be found (code KATA_LOAD). */
export class ProgramLoadError extends KataError {
  declare readonly code: "KATA_LOAD";
  constructor(message: string) {
    super("ProgramLoadError", "KATA_LOAD", message);
  }
}

const HOST = fileURLToPath(new URL("./host.ts", import.meta.url));
const NET = fileURLToPath(new URL("./net.ts", import.meta.url));
const STACKS = fileURLToPath(new URL("./stacks.ts", import.meta.url));
const SHARED_SRC = path.resolve(path.dirname(HOST), "../..");

// Plain CommonJS: a worker evaluates it without any loader, then imports the bundle (its globals set first).
export const BOOT = `const { workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");
Object.assign(globalThis, workerData.globals);
import(pathToFileURL(workerData.bundle).href)`;

// Every function here takes `from`: the folder whose node_modules resolve what the file imports (the kata's
// package: an attempt can be anywhere).

interface Built {
  file: string;
  inputs: { file: string; mtimeMs: number; size: number }[];
}
const built = new Map<string, Built>();
/**
 * A bundle depends on the file, what it is bundled as (a program gets the reporting node:net, a library whose
 * exports are called one by one does not listen), and where its imports resolve from.
 */
const cacheKey = (kind: "program" | "library", file: string, from: string) => `${kind}:${from}:${file}`;

function fresh(entry: Built): boolean {
  return entry.inputs.every((input) => {
    const now = statSync(input.file, { throwIfNoEntry: false });
    return now?.mtimeMs === input.mtimeMs && now.size === input.size;
  });
}

/** Where Node would look for packages imported by a file in `dir`: every node_modules from there up. */
function nodeModulesFrom(dir: string): string[] {
  const found: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    found.push(path.join(at, "node_modules"));
    if (path.dirname(at) === at) return found;
  }
}

const cacheDir = (from: string) => path.join(from, "node_modules", ".cache", "tcp-katas");

function options(file: string, from: string): esbuild.BuildOptions {
  const entry = `import ${JSON.stringify(STACKS)};\nimport * as program from ${JSON.stringify(file)};\nimport { serve } from ${JSON.stringify(HOST)};\nserve(program);\n`;
  return {
    stdin: { contents: entry, resolveDir: path.dirname(file), sourcefile: "boundary-entry.js", loader: "js" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    // Stacks name the file and line (./stacks.ts); the sources themselves are on disk.
    sourcesContent: false,
    write: false,
    // The source map's paths are relative to this folder, where the bundle is saved.
    outfile: path.join(cacheDir(from), "bundle.mjs"),
    metafile: true,
    logLevel: "silent",
    absWorkingDir: from,
    nodePaths: nodeModulesFrom(from),
    // CommonJS code inside an ESM bundle may still call require().
    banner: {
      js: 'import { createRequire as __kataRequire } from "node:module"; const require = __kataRequire(import.meta.url);',
    },
  };
}

/** Only the program's own imports of node:net lead to the reporting one; shared's layers keep the real one. */
const reportingNet: esbuild.Plugin = {
  name: "reporting-net",
  setup(build) {
    build.onResolve({ filter: /^(node:)?net$/ }, (args) =>
      args.importer.startsWith(SHARED_SRC) ? undefined : { path: NET },
    );
  },
};

/** A file as the learner knows it: relative to where the tests run when it is inside, else absolute. */
function shown(file: string, from: string): string {
  const full = path.resolve(from, file);
  const rel = path.relative(process.cwd(), full);
  return rel.startsWith("..") || path.isAbsolute(rel) ? full : rel;
}

function loadError(file: string, from: string, err: unknown): ProgramLoadError {
  const errors = (err as { errors?: esbuild.Message[] }).errors ?? [];
  const lines = errors.map((e) =>
    e.location
      ? `${shown(e.location.file, from)}:${e.location.line}:${e.location.column + 1}: ${e.text}`
      : e.text,
  );
  return new ProgramLoadError(lines.length > 0 ? lines.join("\n") : `${file}: ${String(err)}`);
}

function save(key: string, file: string, from: string, result: esbuild.BuildResult): string {
  const code = result.outputFiles?.[0]?.text ?? "";
  const dir = cacheDir(from);
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha1").update(code).digest("hex").slice(0, 16);
  const out = path.join(dir, `${path.basename(file, path.extname(file))}-${hash}.mjs`);
  // Named by its content, so one already there is this one. Written whole, then renamed into place: a worker of
  // a concurrent test (or of another vitest process) may be importing that very file, and must never see it half
  // written (it would load an empty module and exit 0 having done nothing).
  if (!touch(out)) {
    const partial = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, out);
  }
  prune(dir, path.basename(file, path.extname(file)), out);
  const inputs = Object.keys(result.metafile?.inputs ?? {})
    .filter((input) => !input.startsWith("<") && !input.includes("boundary-entry"))
    .map((input) => {
      const full = path.resolve(from, input);
      const stat = statSync(full);
      return { file: full, mtimeMs: stat.mtimeMs, size: stat.size };
    });
  built.set(key, { file: out, inputs });
  return out;
}

/** Makes a bundle young again, so that another program's prune() leaves it; false if it is not there. */
function touch(file: string): boolean {
  try {
    const now = new Date();
    utimesSync(file, now, now);
    return true;
  } catch {
    return false;
  }
}

/** The bundle built last for `key` if its inputs are unchanged; one pruned meanwhile is built again. */
function cached(key: string): string | undefined {
  const entry = built.get(key);
  return entry && fresh(entry) && touch(entry.file) ? entry.file : undefined;
}

/** A bundle unused for this long is an earlier version of the file: every save makes a new one. */
const STALE_MS = 60 * 60 * 1000;

/** Removes the stale bundles of a program (a learner's watch makes one per save), keeping `keep`. */
function prune(dir: string, base: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    // `<base>-<hash>.mjs` (and its .tmp while written): not echo-server-win's bundles for echo-server.
    const mine = name.startsWith(`${base}-`) && /^[0-9a-f]{16}\.mjs/.test(name.slice(base.length + 1));
    if (file === keep || !mine) continue;
    try {
      if (Date.now() - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
    } catch {
      // Another process pruned it first.
    }
  }
}

/** Builds in progress, so that concurrent tests starting the same program wait for one build. */
const building = new Map<string, Promise<string>>();

/** The bundle of a program file, built or taken from the cache; throws ProgramLoadError if it does not compile. */
export async function bundle(file: string, from: string): Promise<string> {
  const key = cacheKey("program", file, from);
  const hit = cached(key) ?? building.get(key);
  if (hit) return hit;
  const build = esbuild
    .build({ ...options(file, from), plugins: [reportingNet] })
    .then(
      (result) => save(key, file, from, result),
      (err: unknown) => {
        throw loadError(file, from, err);
      },
    )
    .finally(() => building.delete(key));
  building.set(key, build);
  return build;
}

/** The same, synchronously (a library's exports are called synchronously); no plugins, so no reporting net. */
export function bundleSync(file: string, from: string): string {
  const key = cacheKey("library", file, from);
  try {
    return cached(key) ?? save(key, file, from, esbuild.buildSync(options(file, from)));
  } catch (err) {
    throw loadError(file, from, err);
  }
}

/** The names a module exports, read from its source without running it; throws ProgramLoadError if it does not compile. */
export function exportsOf(file: string, resolveFrom: string): string[] {
  try {
    const result = esbuild.buildSync({
      entryPoints: [file],
      bundle: false,
      write: false,
      metafile: true,
      format: "esm",
      platform: "node",
      logLevel: "silent",
      absWorkingDir: resolveFrom,
      outdir: path.join(resolveFrom, "out"),
    });
    return Object.values(result.metafile?.outputs ?? {})
      .flatMap((o) => o.exports)
      .sort();
  } catch (err) {
    throw loadError(file, resolveFrom, err);
  }
}

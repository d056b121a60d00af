/**
 * Stack traces that name the learner's own lines (the first module of every bundle), mapped on the first stack
 * shown: Node's own source-map support parses the whole map as each worker loads, about 20 ms of CPU (40 % of a
 * worker's start on this project's 2-core machine), and most programs a test starts never show a stack.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "//# sourceMappingURL=data:application/json;base64,";
const bundleUrl = import.meta.url;
const bundleFile = fileURLToPath(bundleUrl);
let map: SourceMap | null | undefined;

function sourceMap(): SourceMap | null {
  if (map !== undefined) return map;
  try {
    const text = readFileSync(bundleFile, "utf8");
    const at = text.lastIndexOf(MARK);
    const json = Buffer.from(text.slice(at + MARK.length), "base64").toString("utf8");
    map = at < 0 ? null : new SourceMap(JSON.parse(json) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    map = null;
  }
  return map;
}

// V8's call sites print themselves as a default stack does; @types/node does not declare their toString().
type Site = NodeJS.CallSite & { toString(): string };

/** A frame as V8 prints it, with a location in the bundle replaced by the line of the source it came from. */
function frame(site: Site): string {
  const text = site.toString();
  const [file, line, column] = [site.getFileName(), site.getLineNumber(), site.getColumnNumber()];
  if ((file !== bundleUrl && file !== bundleFile) || line === null || column === null) return text;
  const entry = sourceMap()?.findEntry(line - 1, column - 1);
  if (!entry || !("originalSource" in entry)) return text;
  const source = path.resolve(path.dirname(bundleFile), entry.originalSource.replace(/^file:\/\//, ""));
  return text.replace(
    `${file}:${line}:${column}`,
    `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
  );
}

Error.prepareStackTrace = (error: Error, sites: Site[]) =>
  [Error.prototype.toString.call(error), ...sites.map((site) => `    at ${frame(site)}`)].join("\n");

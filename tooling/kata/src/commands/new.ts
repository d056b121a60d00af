import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import * as prettier from "prettier";

import { CliError } from "../errors.ts";
import { repoRoot } from "../katas.ts";
import { accent, ok } from "../style.ts";

const ID = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The kata a new one starts from: its stage 1 (program, starter, tests, hints) is the proven example to edit. */
const MODEL = "04-2-basic";
const MODEL_FILES: Record<string, string> = {
  "solution/hello-server.ts": "solution/hello-server.ts",
  "starter/hello-server.ts": "starter/hello-server.ts",
  "test/stage1.test.ts": "test/stage1-server.test.ts",
};

/** The files of a new kata, following the same contract as the chapter's katas. */
function files(id: string, title: string, model: string): Record<string, string> {
  const read = (file: string) => readFileSync(path.join(model, file), "utf8");
  const modelKata = JSON.parse(read("kata.json")) as {
    stages: { stage: number }[];
    programs: { file: string }[];
  };
  const kataJson = {
    $schema: "../../tooling/kata/kata.schema.json",
    id,
    section: id.split("-")[0],
    title: { en: title, ko: title },
    programs: modelKata.programs.filter((p) => p.file === "hello-server.ts"),
    stages: modelKata.stages.filter((s) => s.stage === 1),
    demo: [{ start: "server", program: "hello-server.ts", args: ["0"] }, { stop: "server" }],
  };
  const pkg = {
    ...(JSON.parse(read("package.json")) as Record<string, unknown>),
    name: `@tcp-katas/${id}`,
    description: title,
  };
  const lesson = (lang: string) =>
    `# ${id}: ${title}\n\n${lang === "en" ? "What this kata teaches, in your own words." : "이 카타가 가르치는 것을 자신의 말로."}\n\n## Stages\n\n1. hello-server.ts\n\n## Run\n\n\`\`\`sh\npnpm --filter @tcp-katas/${id} test\npnpm kata check ${id}\n\`\`\`\n`;
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": read("tsconfig.json"),
    "vitest.config.ts": read("vitest.config.ts"),
    "eslint.config.js": read("eslint.config.js"),
    "kata.json": `${JSON.stringify(kataJson, null, 2)}\n`,
    "README.md": lesson("en"),
    "README.ko.md": lesson("ko"),
    ...Object.fromEntries(Object.entries(MODEL_FILES).map(([to, from]) => [to, read(from)])),
  };
}

/** Scaffolds chapters/<id>: metadata, lessons, starter, solution, tests and configs, ready for lint and typecheck. */
export async function scaffold(
  id: string | undefined,
  title: string | undefined,
  root = repoRoot(),
): Promise<number> {
  if (!id || !ID.test(id))
    throw new CliError(
      `The id must look like "05-1-my-kata" (two digits, then lowercase words joined by -), got "${id ?? ""}".`,
      2,
    );
  if (!title?.trim()) throw new CliError('Give the kata a title: pnpm kata new 05-1-my-kata "My kata".', 2);
  const dir = path.join(root, "chapters", id);
  if (existsSync(dir)) throw new CliError(`chapters/${id} already exists.`, 2);
  // A new kata starts as a copy of an existing one's stage 1, so configs, versions and the contract stay in step.
  for (const [file, text] of Object.entries(files(id, title, path.join(root, "chapters", MODEL)))) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    // In the project's own style, so `pnpm format` passes at once.
    const options = await prettier.resolveConfig(target);
    writeFileSync(target, await prettier.format(text, { ...options, filepath: target }));
  }
  console.log(
    `${ok("Created")} chapters/${id}/. Next: ${accent("pnpm install")}, then ${accent(`pnpm --filter @tcp-katas/${id} test:solution`)}.`,
  );
  return 0;
}

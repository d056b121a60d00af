import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { CliError } from "../errors.ts";
import { repoRoot } from "../katas.ts";
import { accent, ok } from "../style.ts";

const ID = /^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The files of a new kata, following the same contract as the chapter's katas. */
function files(id: string, title: string, catalogPackage: Record<string, unknown>): Record<string, string> {
  const kataJson = {
    $schema: "../../tooling/kata/kata.schema.json",
    id,
    section: id.split("-")[0],
    title: { en: title, ko: title },
    programs: [{ file: "hello-server.ts", args: ["<port>"], stage: 1 }],
    stages: [
      {
        stage: 1,
        title: {
          en: "hello-server.ts greets one client",
          ko: "hello-server.ts가 클라이언트 하나에게 인사하기",
        },
        hints: [
          {
            en: "socket, bind, listen, accept, write, close: see 04-2.",
            ko: "socket, bind, listen, accept, write, close: 04-2를 보세요.",
          },
        ],
      },
    ],
    demo: [{ start: "server", program: "hello-server.ts", args: ["0"] }, { stop: "server" }],
  };
  const solution = `// ${title}: the reference program.
import { errorHandling, program, runIfMain } from "@tcp-katas/shared/cli";
import { accept, AF_INET, bind, close, htonl, htons, INADDR_ANY, lastError, listen, PF_INET, SOCK_STREAM, sockaddr_in, socket, write } from "@tcp-katas/shared/posix";

export const main = program({ name: "hello-server.ts", params: ["<port>"] }, async ([port]) => {
  const servSock = socket(PF_INET, SOCK_STREAM, 0);
  if (servSock === -1) errorHandling("socket() error", lastError());
  const servAddr = sockaddr_in();
  servAddr.sin_family = AF_INET;
  servAddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servAddr.sin_port = htons(Number(port));
  if ((await bind(servSock, servAddr)) === -1) errorHandling("bind() error", lastError());
  if ((await listen(servSock, 5)) === -1) errorHandling("listen() error", lastError());
  const clntSock = await accept(servSock);
  if (clntSock === -1) errorHandling("accept() error", lastError());
  const message = Buffer.from("Hello World!");
  await write(clntSock, message, message.length);
  close(clntSock);
  close(servSock);
});

runIfMain(import.meta.url, main);
`;
  const starter = `// ${title}: stage 1. See README.md.
import { program, runIfMain, todo } from "@tcp-katas/shared/cli";

export const main = program({ name: "hello-server.ts", params: ["<port>"] }, async ([port]) => {
  todo(\`stage 1: hello-server.ts: greet one client on port \${port}\`);
});

runIfMain(import.meta.url, main);
`;
  const test = `import { connectLocal, expectBytes, startProgram } from "@tcp-katas/shared/testing";
import { impl } from "@tcp-katas/vitest-config/impl";
import { describe, expect, it } from "vitest";

type Server = typeof import("../solution/hello-server.ts");
const { main } = await impl<Server>("hello-server.ts");

describe("stage 1: hello-server.ts greets one client", () => {
  it("sends exactly Hello World! and exits 0", async () => {
    const server = startProgram(main, ["0"], { label: "your server" });
    const client = await connectLocal(await server.port());
    expectBytes(await client.waitForEnd(), "Hello World!", "What the client received");
    expect(await server.waitForExit()).toBe(0);
  });
});
`;
  const lesson = (lang: string) =>
    `# ${id}: ${title}\n\n${lang === "en" ? "What this kata teaches, in your own words." : "이 카타가 가르치는 것을 자신의 말로."}\n\n## Stages\n\n1. hello-server.ts\n\n## Run\n\n\`\`\`sh\npnpm --filter @tcp-katas/${id} test\npnpm kata check ${id}\n\`\`\`\n`;
  return {
    "package.json": `${JSON.stringify(catalogPackage, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify({ extends: "@tcp-katas/tsconfig/base.json", include: ["starter", "solution", "test", "*.ts", "*.js"] }, null, 2)}\n`,
    "vitest.config.ts": `import { kataConfig } from "@tcp-katas/vitest-config";\n\nexport default kataConfig(import.meta.dirname);\n`,
    "eslint.config.js": `import { config } from "@tcp-katas/eslint-config";\n\nexport default config(import.meta.dirname);\n`,
    "kata.json": `${JSON.stringify(kataJson, null, 2)}\n`,
    "README.md": lesson("en"),
    "README.ko.md": lesson("ko"),
    "solution/hello-server.ts": solution,
    "starter/hello-server.ts": starter,
    "test/stage1.test.ts": test,
  };
}

/** Scaffolds chapters/<id>: metadata, lessons, starter, solution, tests and configs, ready for lint and typecheck. */
export function scaffold(id: string | undefined, title: string | undefined, root = repoRoot()): number {
  if (!id || !ID.test(id))
    throw new CliError(
      `The id must look like "05-1-my-kata" (two digits, then lowercase words joined by -), got "${id ?? ""}".`,
      2,
    );
  if (!title?.trim()) throw new CliError('Give the kata a title: pnpm kata new 05-1-my-kata "My kata".', 2);
  const dir = path.join(root, "chapters", id);
  if (existsSync(dir)) throw new CliError(`chapters/${id} already exists.`, 2);
  // The new package copies an existing kata's package.json, so versions and scripts stay in step.
  const model = JSON.parse(
    readFileSync(path.join(root, "chapters", "04-2-basic", "package.json"), "utf8"),
  ) as Record<string, unknown>;
  const pkg = { ...model, name: `@tcp-katas/${id}`, description: title };
  for (const [file, text] of Object.entries(files(id, title, pkg))) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  console.log(
    `${ok("Created")} chapters/${id}/. Next: ${accent("pnpm install")}, then ${accent(`pnpm --filter @tcp-katas/${id} test:solution`)}.`,
  );
  return 0;
}

// The vitest process the CLI starts, in a process group of its own so that everything it starts (vitest's workers,
// the learner's programs) can be stopped at once. It runs vitest through its Node API, keeps it warm for `watch`,
// and tells the CLI about every test as it starts and ends.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";

import type { FromChild, TestResult, ToChild } from "./protocol.ts";

interface TestCaseLike {
  id: string;
  name: string;
  fullName: string;
  module: { moduleId: string };
  parent: { type: string; name?: string; parent?: unknown };
  result(): { state: string; errors?: readonly { message?: string; stack?: string; code?: unknown }[] };
  diagnostic(): { duration: number } | undefined;
}

interface TestModuleLike {
  moduleId: string;
  errors(): readonly { message?: string; stack?: string }[];
  state(): string;
}

interface VitestLike {
  runTestFiles(files: string[], allTestsRun?: boolean): Promise<unknown>;
  invalidateFile(file: string): void;
  close(): Promise<void>;
}

const kataDir = process.cwd();
const send = (message: FromChild) => process.send?.(message);
const rel = (file: string) => path.relative(kataDir, file).split(path.sep).join("/");

/** The outermost describe() of a test (its stage group). */
function groupOf(test: TestCaseLike): string {
  let node: { type: string; name?: string; parent?: unknown } = test.parent;
  let group = "";
  while (node.type === "suite") {
    group = node.name ?? group;
    node = node.parent as typeof node;
  }
  return group;
}

function resultOf(test: TestCaseLike): TestResult {
  const r = test.result();
  const error = r.errors?.[0];
  const status = r.state === "passed" ? "passed" : r.state === "failed" ? "failed" : "skipped";
  return {
    file: rel(test.module.moduleId),
    group: groupOf(test),
    title: test.name,
    status,
    duration: test.diagnostic()?.duration ?? 0,
    ...(error
      ? {
          failure: stripVTControlCharacters(error.stack ?? error.message ?? "(an error without a message)"),
          ...(typeof error.code === "string" ? { code: error.code } : {}),
        }
      : {}),
  };
}

const reporter = {
  onTestCaseReady(test: TestCaseLike) {
    send({ type: "test-start", id: test.id, file: rel(test.module.moduleId), name: test.fullName });
  },
  onTestCaseResult(test: TestCaseLike) {
    send({ type: "test-end", id: test.id, result: resultOf(test) });
  },
  onTestModuleEnd(module: TestModuleLike) {
    const errors = module.errors();
    if (errors.length > 0) {
      const message = errors.map((e) => stripVTControlCharacters(e.stack ?? e.message ?? "")).join("\n");
      send({ type: "file-error", file: rel(module.moduleId), message });
    }
  },
  onTestRunEnd(_modules: unknown, unhandled: readonly { message?: string; stack?: string }[]) {
    send({
      type: "run-end",
      errors: unhandled.map((e) =>
        stripVTControlCharacters(e.stack ?? e.message ?? "(an error without a message)"),
      ),
    });
  },
};

async function start(): Promise<VitestLike> {
  // The kata's own vitest, as `pnpm --filter <kata> test` would run it.
  const require = createRequire(path.join(kataDir, "package.json"));
  const entry = pathToFileURL(require.resolve("vitest/node")).href;
  const { createVitest } = (await import(entry)) as {
    createVitest: (mode: "test", options: Record<string, unknown>) => Promise<VitestLike>;
  };
  return createVitest("test", { root: kataDir, watch: false, reporters: [reporter], color: false });
}

try {
  const vitest = await start();
  let queue = Promise.resolve();
  process.on("message", (message: ToChild) => {
    queue = queue
      .then(async () => {
        if (message.type === "invalidate") for (const f of message.files) vitest.invalidateFile(f);
        else if (message.type === "run") await vitest.runTestFiles(message.files, false);
        else {
          await vitest.close();
          process.exit(0);
        }
      })
      .catch((err: unknown) => {
        send({ type: "fatal", message: String((err as Error).stack ?? err) });
      });
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
} catch (err) {
  send({ type: "fatal", message: stripVTControlCharacters(String((err as Error).stack ?? err)) });
  process.exit(1);
}

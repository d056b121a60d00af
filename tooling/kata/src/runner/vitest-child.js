// The vitest process the CLI starts: vitest through its Node API, kept warm for `watch`, telling the CLI about
// every test as it ends. Plain JavaScript: it starts without tsx.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";

/** @typedef {import("./protocol.ts").FromChild} FromChild */
/** @typedef {import("./protocol.ts").ToChild} ToChild */
/** @typedef {import("./protocol.ts").TestResult} TestResult */
/** @typedef {import("vitest/node").TestCase} TestCase */

const kataDir = process.cwd();
/** @param {FromChild} message */
const send = (message) => process.send?.(message);
/** @param {string} file */
const rel = (file) => path.relative(kataDir, file).split(path.sep).join("/");
/** @param {{ message?: string, stack?: string }} e */
const text = (e) => stripVTControlCharacters(e.stack ?? e.message ?? "(an error without a message)");

/**
 * The outermost describe() of a test (its stage group).
 * @param {TestCase} test
 */
function groupOf(test) {
  let group = "";
  for (let node = test.parent; node.type === "suite"; node = node.parent) group = node.name;
  return group;
}

/**
 * @param {TestCase} test
 * @returns {TestResult}
 */
function resultOf(test) {
  const r = test.result();
  const error = r.errors?.[0];
  const status = r.state === "passed" ? "passed" : r.state === "failed" ? "failed" : "skipped";
  /** @type {TestResult} */
  const result = {
    id: test.id,
    file: rel(test.module.moduleId),
    group: groupOf(test),
    title: test.name,
    status,
    duration: test.diagnostic()?.duration ?? 0,
  };
  if (error) {
    result.failure = text(error);
    if (typeof error.code === "string") result.code = error.code;
    if (Array.isArray(error.blocked))
      result.blocked = error.blocked
        .filter((/** @type {unknown} */ l) => typeof l === "string")
        .map(stripVTControlCharacters);
  }
  return result;
}

/** @type {import("vitest/node").Reporter} */
const reporter = {
  onTestCaseResult(test) {
    send({ type: "test-end", result: resultOf(test) });
  },
  onTestModuleEnd(module) {
    const errors = module.errors();
    if (errors.length > 0)
      send({ type: "file-error", file: rel(module.moduleId), message: errors.map(text).join("\n") });
  },
  onTestRunEnd(_modules, unhandled) {
    send({ type: "run-end", errors: unhandled.map(text) });
  },
};

// The CLI gone or stopping it: leave through process.exit(), whose "exit" listeners remove the run's temporary
// folder (a signal's default action would skip them).
process.on("SIGTERM", () => process.exit(143));
process.on("SIGINT", () => process.exit(130));

try {
  // The kata's own vitest, as `pnpm --filter <kata> test` would run it.
  const require = createRequire(path.join(kataDir, "package.json"));
  const entry = pathToFileURL(require.resolve("vitest/node")).href;
  /** @type {typeof import("vitest/node")} */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a module found at run time; typed just above
  const api = await import(entry);
  const vitest = await api.createVitest("test", {
    root: kataDir,
    watch: false,
    reporters: [reporter],
    color: false,
  });
  let queue = Promise.resolve();
  process.on("message", (/** @type {ToChild} */ message) => {
    queue = queue
      .then(async () => {
        if (message.type === "invalidate") for (const f of message.files) vitest.invalidateFile(f);
        else if (message.type === "run") await vitest.runTestFiles(message.files, false);
        else {
          await vitest.close();
          process.exit(0);
        }
      })
      .catch((/** @type {unknown} */ err) => {
        send({ type: "fatal", message: err instanceof Error ? text(err) : String(err) });
      });
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
} catch (err) {
  send({ type: "fatal", message: err instanceof Error ? text(err) : String(err) });
  process.exit(1);
}

// Learner programs behind the boundary, in a worker thread (run(), startServer()), as the host runs them: a
// missing await named by the program's own output, a main() written without program() (its throw, its stop
// signal, its stdin, console.log), files that export no main or throw as they load, files that do not compile,
// bundles made afresh when a file changes, and an attempt folder outside the package.
//
// The messages are checked word for word in English: pinLang("en") pins the test thread's language and the
// programs' (KATA_LANG, which a worker reads when it starts) for this file only.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { BytesMismatch, run, RunFailed, startServer } from "../src/testing/index.ts";
import { fixture, pinLang, rejection, SHARED_DIR, tempDirForFile, until } from "./helpers.ts";

pinLang("en");
const tmp = tempDirForFile("kata-boundary-");

describe("a missing await in a program", () => {
  const LESSON =
    "read() was called on socket 4 while read() on it had not finished: did you forget `await` before read()? " +
    "accept(), connect(), read() and write() (recv() and send() in Winsock), bind() and listen() return a Promise; await it where C blocks.\n";

  it("in its loop: program() prints the lesson as one line, exit 1", async () => {
    const { run: server, connect } = await startServer(fixture("forgot-await.ts"));
    await connect();
    await server.expectExit(1);
    expect(server.stdout.text).toBe("reading\n");
    expect(server.stderr.text).toBe(LESSON);
  });

  it("in a function nobody awaits: the host prints the lesson as one line, exit 1", async () => {
    const { run: server, connect } = await startServer(fixture("unawaited-handler.ts"));
    await (await connect()).send("x");
    await server.expectExit(1);
    expect(server.stderr.text).toBe(LESSON);
  });

  it("expectSent() reports the program's failed exit with its lesson, not the short read it caused", async () => {
    const { run: server, connect } = await startServer(fixture("forgot-await.ts"));
    const c = await connect();
    const err = await rejection(server.expectSent(await c.waitForEnd(), "hi", "What the client received"));
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(
      `your server exited with code 1, 0 expected.\n[your server stdout] reading\n[your server stderr] ${LESSON.trimEnd()}`,
    );
  });

  it("expectSent() shows the bytes' difference when the program did not fail", async () => {
    const { run: server, connect } = await startServer(fixture("tiny-server.ts"));
    const c = await connect();
    const err = await rejection(server.expectSent(await c.waitForEnd(), "ho", "What the client received"));
    expect(err).toBeInstanceOf(BytesMismatch);
    await expect(server.expectSent("hi", "hi", "same")).resolves.toBeUndefined();
  });
});

describe("a main() of its own", () => {
  it("that throws: its stack on stderr, with the program's own file and line, exit 1", async () => {
    const program = run(fixture("raw-main.ts"), ["throw"]);
    expect(await program.waitForExit()).toBe(1);
    // Mapped from the bundle to the file's own line and column (where `new TypeError` stands), as a path.
    expect(program.stderr.text).toMatch(
      /^TypeError: boom\n {4}at main \(\/.*\/fixtures\/raw-main\.ts:7:13\)\n/,
    );
  });

  it("stopped: its signal is aborted with SIGTERM, or the signal asked, as the reason", async () => {
    for (const [signal, shown] of [
      [undefined, "SIGTERM"],
      ["SIGINT", "SIGINT"],
    ] as const) {
      const program = run(fixture("raw-main.ts"), []);
      await program.waitForStdout("waiting\n");
      program.stop(signal);
      expect(await program.waitForExit()).toBe(3);
      expect(program.stdout.text).toBe(`waiting\nstopped by ${shown}\n`);
    }
  });

  it("reads the stdin given, to its end", async () => {
    const program = run(fixture("raw-main.ts"), ["stdin"], { stdin: "hello" });
    await program.expectExit(0);
    expect(program.stdout.text).toBe("reading stdin\ngot hello|end\n");
  });

  it("writes with console.log: that is its stdout too", async () => {
    const program = run(fixture("raw-main.ts"), ["console"]);
    await program.expectExit(0);
    await until("the console output", () => program.stdout.text === "via console.log\n");
  });

  it("a file that exports no main: says so, exit 1", async () => {
    const program = run(fixture("no-main.ts"), []);
    expect(await program.waitForExit()).toBe(1);
    expect(program.stderr.text).toBe(
      "no-main.ts exports no main(args, io): every program of a kata does (see its solution/).\n",
    );
  });

  it("a module that throws as it loads: its error on stderr, exit 1", async () => {
    const program = run(fixture("throws-at-load.ts"), []);
    expect(await program.waitForExit()).toBe(1);
    expect(program.stderr.text).toMatch(/^RangeError: broken at load: the table has no entries\n/);
  });
});

describe("loading a program", () => {
  it("a file that does not compile: every wait fails with file:line:column: message, once, no stack", async () => {
    const file = path.join(tmp(), "broken.ts");
    writeFileSync(file, "export const main = async () => {\n  return (1 +;\n};\n");
    const program = run({ file, resolveFrom: tmp() }, [], { deadlineMs: 60_000 });
    const err = await rejection(program.port());
    expect(err).toBeInstanceOf(RunFailed);
    expect(err.message).toBe(`your program could not be loaded:\n${file}:2:14: Unexpected ";"`);
    expect((await rejection(program.waitForExit())).message).toBe(err.message);
    expect(program.exitCode).toBe(1);
    expect(program.stderr.text).toBe(`${file}:2:14: Unexpected ";"\n`);
  });

  it("a bundle is made afresh when the file or a file it imports changes", async () => {
    const dir = tmp();
    const file = path.join(dir, "greeter.ts");
    const text = path.join(dir, "text.ts");
    const cli = path.join(import.meta.dirname, "../src/cli/index.ts");
    const greeter = (suffix: string) =>
      `import { program } from ${JSON.stringify(cli)};\nimport { TEXT } from "./text.ts";\n` +
      `export const main = program({ name: "greeter.ts" }, async (_args, io) => { io.stdout.write(TEXT + ${JSON.stringify(suffix)}); });\n`;
    const printed = async () => {
      const program = run({ file, resolveFrom: dir }, []);
      await program.expectExit(0);
      return program.stdout.text;
    };
    writeFileSync(text, 'export const TEXT = "v1";\n');
    writeFileSync(file, greeter("\n"));
    expect(await printed()).toBe("v1\n");
    expect(await printed()).toBe("v1\n");
    writeFileSync(text, 'export const TEXT = "v2, longer";\n');
    expect(await printed()).toBe("v2, longer\n");
    writeFileSync(file, greeter("!\n"));
    expect(await printed()).toBe("v2, longer!\n");
  });

  it("the bundles of a file's earlier versions go once unused for an hour; other programs' stay", async () => {
    const dir = tmp();
    const cache = path.join(dir, "node_modules", ".cache", "tcp-katas");
    mkdirSync(cache, { recursive: true });
    const hour = new Date(Date.now() - 61 * 60 * 1000);
    const planted = [
      "hello-0123456789abcdef.mjs",
      "hello-fedcba9876543210.mjs",
      "hello-client-0123456789abcdef.mjs",
    ];
    for (const name of planted) writeFileSync(path.join(cache, name), "");
    // The first two are an hour old: earlier versions of hello.ts, and of another program whose name starts alike.
    for (const name of [planted[0], planted[2]]) utimesSync(path.join(cache, name as string), hour, hour);
    const file = path.join(dir, "hello.ts");
    writeFileSync(file, "export async function main() { return 0; }\n");
    await run({ file, resolveFrom: dir }, []).expectExit(0);
    const left = readdirSync(cache).sort();
    expect(left).not.toContain(planted[0]);
    expect(left).toContain(planted[1]);
    expect(left).toContain(planted[2]);
    expect(left.filter((name) => /^hello-[0-9a-f]{16}\.mjs$/.test(name))).toHaveLength(2);

    // A bundle built again with the same content (the file was saved unchanged) is young again, so another
    // program of the same name (an attempt beside it) does not prune it away from under its imports.
    const mine = readdirSync(cache).filter((name) => name.startsWith("hello-") && !planted.includes(name));
    expect(mine).toHaveLength(1);
    const built = path.join(cache, mine[0] as string);
    utimesSync(built, hour, hour);
    utimesSync(file, new Date(), new Date(Date.now() + 2000));
    await run({ file, resolveFrom: dir }, []).expectExit(0);
    mkdirSync(path.join(dir, "beside"));
    writeFileSync(path.join(dir, "beside", "hello.ts"), "export async function main() { return 3; }\n");
    await run({ file: path.join(dir, "beside", "hello.ts"), resolveFrom: dir }, []).expectExit(3);
    expect(readdirSync(cache)).toContain(mine[0]);
  });
  it("an attempt folder anywhere imports @tcp-katas/shared from the kata package given as resolveFrom", async () => {
    // A kata package as pnpm lays it out (node_modules/@tcp-katas/shared linked to shared), and an attempt folder
    // beside it, outside both: its imports resolve from the kata, not from where the file is.
    const kata = path.join(tmp(), "kata");
    mkdirSync(path.join(kata, "node_modules", "@tcp-katas"), { recursive: true });
    symlinkSync(SHARED_DIR, path.join(kata, "node_modules", "@tcp-katas", "shared"), "dir");
    const attempt = path.join(tmp(), "attempt");
    mkdirSync(attempt);
    const file = path.join(attempt, "hello-server.ts");
    writeFileSync(
      file,
      readFileSync(fixture("hello-server.ts").file, "utf8")
        .replace("../../src/cli/index.ts", "@tcp-katas/shared/cli")
        .replace("../../src/posix/index.ts", "@tcp-katas/shared/posix"),
    );
    const { run: server, connect } = await startServer({ file, resolveFrom: kata });
    expect((await (await connect()).waitForEnd()).toString()).toBe("Hello World!");
    await server.expectExit(0);
    expect(server.connections).toBe(1);
    // The same program resolved from the attempt folder itself finds no package. (A copy: bundles are kept by
    // file, whatever resolveFrom was.)
    const copy = path.join(attempt, "copy.ts");
    writeFileSync(copy, readFileSync(file));
    const alone = run({ file: copy, resolveFrom: attempt }, ["0"]);
    expect((await rejection(alone.port())).message).toBe(
      `your program could not be loaded:\n${copy}:3:51: Could not resolve "@tcp-katas/shared/cli"\n` +
        `${copy}:18:8: Could not resolve "@tcp-katas/shared/posix"`,
    );
  });
});

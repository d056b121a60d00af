import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { changedFiles, findAttempts, kataIds, reviewAttempts, shortId } from "../src/review-attempts.mjs";
import { tempDir } from "./helpers.ts";

const IDS = [
  "04-1-layers",
  "04-2-basic",
  "04-3-iterative-echo",
  "04-4-windows-style",
  "04-q7-hello-iterative",
];

describe("findAttempts", () => {
  it("takes the folder holding each changed .ts file, and the nearest segment naming a kata", () => {
    const { attempts, skipped } = findAttempts(
      [
        "attempts/alice/04-3/echo-server.ts",
        "attempts/alice/04-3/echo-client.ts",
        "attempts/alice/04-3/NOTES.md",
        "attempts/bob/04-3-iterative-echo/echo-server.ts",
        "attempts/04-2/carol/hello-server.ts",
        "attempts/dave/04-Q7/hello-server.ts",
        "attempts/04-2/erin/04-1/layers.ts",
        "attempts/frank/scratch/x.ts",
        "attempts/top.ts",
        "attempts/gina/04-3/README.md",
        "chapters/04-3-iterative-echo/solution/echo-server.ts",
      ],
      IDS,
    );
    expect(attempts).toEqual([
      { dir: "attempts/04-2/carol", kata: "04-2-basic" },
      { dir: "attempts/04-2/erin/04-1", kata: "04-1-layers" },
      { dir: "attempts/alice/04-3", kata: "04-3-iterative-echo" },
      { dir: "attempts/bob/04-3-iterative-echo", kata: "04-3-iterative-echo" },
      { dir: "attempts/dave/04-Q7", kata: "04-q7-hello-iterative" },
    ]);
    expect(skipped).toEqual([{ dir: "attempts" }, { dir: "attempts/frank/scratch" }]);
  });

  it("matches whole segments only, and no short id that two katas share", () => {
    expect(
      findAttempts(["attempts/x/04-3-echo/a.ts", "attempts/x/04/a.ts", "attempts/x/04-33/a.ts"], IDS),
    ).toEqual({
      attempts: [],
      skipped: [{ dir: "attempts/x/04" }, { dir: "attempts/x/04-3-echo" }, { dir: "attempts/x/04-33" }],
    });
    expect(findAttempts(["attempts/05-1/a.ts"], ["05-1-a", "05-1-b"]).attempts).toEqual([]);
    expect(shortId("04-q7-hello-iterative")).toBe("04-q7");
  });

  it("reads the katas' ids from chapters/*/kata.json", () => {
    expect(kataIds(path.resolve(import.meta.dirname, "../../.."))).toEqual(expect.arrayContaining(IDS));
  });
});

describe("on a git repository", () => {
  let repo: ReturnType<typeof tempDir>;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repo.dir,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" },
    });
  const write = (file: string, text = "export {};\n") => {
    mkdirSync(path.dirname(path.join(repo.dir, file)), { recursive: true });
    writeFileSync(path.join(repo.dir, file), text);
  };

  beforeEach(() => {
    repo = tempDir("review-attempts-");
    git("init", "-q", "-b", "main");
    git("config", "user.email", "t@example.invalid");
    git("config", "user.name", "t");
    git("config", "commit.gpgsign", "false");
    write("chapters/04-3-iterative-echo/kata.json", JSON.stringify({ id: "04-3-iterative-echo" }));
    write("chapters/04-2-basic/kata.json", JSON.stringify({ id: "04-2-basic" }));
    write("attempts/old/04-2/hello-server.ts");
    write("attempts/gone/04-3/echo-server.ts");
    git("add", ".");
    git("commit", "-q", "-m", "base");
  });
  afterEach(() => repo.remove());

  it("lists the files added or changed under attempts/, not the deleted ones", () => {
    write("attempts/alice/04-3/echo-server.ts");
    write("attempts/old/04-2/hello-server.ts", "export const changed = 1;\n");
    write("attempts/weird name/04-3/é.ts");
    write("README.md", "x");
    rmSync(path.join(repo.dir, "attempts/gone"), { recursive: true });
    git("add", "-A");
    git("commit", "-q", "-m", "pr");
    expect(changedFiles(repo.dir, "HEAD^1").sort()).toEqual([
      "attempts/alice/04-3/echo-server.ts",
      "attempts/old/04-2/hello-server.ts",
      "attempts/weird name/04-3/é.ts",
    ]);
  });

  it("reviews each attempt with the review command and writes the artifact's two files", async () => {
    write("attempts/alice/04-3/echo-server.ts");
    write("attempts/bob/04-2/hello-server.ts");
    write("attempts/notes/x.ts");
    git("add", "-A");
    git("commit", "-q", "-m", "pr");
    const out = path.join(repo.dir, "out");
    const lines: string[] = [];
    // A stand-in for `pnpm kata review`: Markdown for alice, a crash with no Markdown for bob.
    const command = (kata: string, dir: string) => ({
      command: process.execPath,
      args: [
        "-e",
        dir.includes("alice")
          ? `console.log("## Review of ${kata} — \`${dir}\`\\n\\n| stage | result |\\n|---|---|\\n| 1 | ❌ |"); process.exit(1)`
          : `console.error("Error: no such kata"); process.exit(2)`,
      ],
    });
    const meta = await reviewAttempts({
      root: repo.dir,
      base: "HEAD^1",
      out,
      pr: 12,
      headSha: "c".repeat(40),
      command,
      log: (l) => lines.push(l),
    });
    expect(meta).toEqual({ number: 12, headSha: "c".repeat(40), attempts: 2, skipped: 1 });
    expect(JSON.parse(readFileSync(path.join(out, "pr.json"), "utf8"))).toEqual(meta);
    const review = readFileSync(path.join(out, "review.md"), "utf8");
    expect(review).toContain(
      "## Review of 04-3-iterative-echo — `attempts/alice/04-3`\n\n| stage | result |",
    );
    expect(review).toContain("## `attempts/bob/04-2` (04-2-basic)\n\nThe review did not run (exit 2)");
    expect(review).toContain("```text\nError: no such kata\n```");
    expect(review).toContain("### Skipped");
    expect(review).toContain("- `attempts/notes`");
    expect(lines).toContain("review: attempts/alice/04-3 as an attempt at 04-3-iterative-echo");
    expect(lines.join("\n")).toMatch(
      /skip: attempts\/notes matches no kata \(a folder named after one of: 04-2 \(04-2-basic\), 04-3/,
    );
  });

  it("with no attempt changed, says so in the artifact", async () => {
    write("attempts/README.md", "how to");
    git("add", "-A");
    git("commit", "-q", "-m", "pr");
    const out = path.join(repo.dir, "out");
    const meta = await reviewAttempts({
      root: repo.dir,
      base: "HEAD^1",
      out,
      pr: 3,
      headSha: "d".repeat(40),
      log: () => {},
    });
    expect(meta.attempts).toBe(0);
    expect(readFileSync(path.join(out, "review.md"), "utf8")).toBe(
      "No `.ts` file under `attempts/` was added or changed.\n",
    );
  });
});

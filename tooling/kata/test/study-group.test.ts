// A study group's flow on the fixture workspace: attempt folders anywhere (outside the workspace too), review of
// every attempt under a folder at any depth, `kata trace` of a server and a client, the blocked-in line of a
// failure, the warning that an attempt's code runs with the user's rights, and Markdown that attempt-controlled
// text cannot break.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { columns } from "../src/width.ts";
import { KATA, kata, SLOW, tempDir, workspace } from "./helpers.ts";
import { neverCloses, withPair } from "./pair.ts";

/** The trace's deadline in these tests: a pair that waits for ever ends here in 1.5 s instead of 5. */
const FAST = { KATA_TRACE_DEADLINE_MS: "1500" };
const WARNING = /^This runs the code in .+ with your rights: read it first when it is not yours/;

/** A copy of the kata's solution (with the pair) in a folder of its own under the system's temporary folder. */
function outside(ws: string, edit?: { file: string; change: (text: string) => string }): string {
  const dir = path.join(tempDir("kata-attempt-"), "attempt");
  cpSync(path.join(ws, KATA, "solution"), dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, edit.file);
    writeFileSync(file, edit.change(readFileSync(file, "utf8")));
  }
  return dir;
}

/** The lines of a Markdown document outside its fenced blocks (a fence closes with at least as many backticks). */
function outsideFences(markdown: string): string[] {
  const out: string[] = [];
  let open = 0;
  for (const line of markdown.split("\n")) {
    const fence = /^(`{3,})/.exec(line)?.[1]?.length ?? 0;
    if (open === 0 && fence > 0) open = fence;
    else if (open > 0 && fence >= open && /^`+$/.test(line)) open = 0;
    else if (open === 0) out.push(line);
  }
  return out;
}

/** The messages of a Mermaid block, in order: `S->>S: socket() → 3`. */
function messages(markdown: string): string[] {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^[SC]-/.test(l));
}

describe("attempts anywhere", SLOW, () => {
  it("check, review and trace --impl run a folder outside the workspace at every stage, child processes included, saying once that it runs with your rights", async () => {
    const ws = workspace();
    withPair(ws);
    const dir = outside(ws);
    expect(path.relative(ws, dir).startsWith("..")).toBe(true);
    expect(dir.startsWith(path.resolve(tmpdir()))).toBe(true);

    const check = await kata(["check", "01-1", "--impl", dir], { cwd: ws });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain("✓ stage 1: hello.ts greets · 2/2");
    expect(check.stdout).toContain("✓ stage 2: shout() in capitals · 1/1");
    // Stage 3 runs the pair as processes: their bundles find the kata's packages from outside the workspace too.
    expect(check.stdout).toContain("✓ stage 3: the hi pair · 1/1");
    const warned = check.stderr.trim().split("\n");
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(WARNING);
    expect(warned[0]).toContain(dir);

    const review = await kata(["review", "01-1", "--impl", dir], { cwd: ws });
    expect(review.code, review.stdout + review.stderr).toBe(0);
    expect(review.stdout).toContain("| 3. the hi pair | ✅ pass | 1/1 |");
    expect(review.stderr.trim().split("\n")).toHaveLength(1);
    expect(review.stderr).toMatch(WARNING);
    // Its Markdown is what a pull request gets: the warning is not in it.
    expect(review.stdout).not.toMatch(/with your rights/);

    const trace = await kata(["trace", "01-1", "hi-client", "--impl", dir], { cwd: ws });
    expect(trace.code, trace.stdout + trace.stderr).toBe(0);
    expect(trace.stderr).toMatch(WARNING);
    expect(trace.stdout).toContain("hi-client.ts (attempt/)");

    // The solution is the project's own code: no warning.
    const solution = await kata(["check", "01-1", "1", "--solution"], { cwd: ws });
    expect(solution.stderr).toBe("");
  });

  it("says the warning in Korean too", async () => {
    const ws = workspace();
    const dir = outside(ws);
    const r = await kata(["check", "01-1", "2", "--impl", dir], { cwd: ws, env: { KATA_LANG: "ko" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${dir} 폴더의 코드를 내 권한으로 실행합니다.`);
  });
});

describe("review --all", SLOW, () => {
  it("finds attempts at any depth, one row each named by its path, skips what is no attempt, escapes the names and exits 1 when one fails", async () => {
    const ws = workspace();
    const root = tempDir();
    const copy = (from: "solution" | "starter", to: string) =>
      cpSync(path.join(ws, KATA, from), path.join(root, to), { recursive: true });
    copy("solution", "alice/01-1");
    copy("starter", "bob");
    copy("solution", "team/carol/01-1-tiny");
    copy("solution", "@eve|x");
    copy("solution", ".hidden/frank");
    mkdirSync(path.join(root, "notes/empty"), { recursive: true });
    const r = await kata(["review", "01-1", "--all", root], { cwd: ws });
    expect(r.code).toBe(1);
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Attempt"));
    expect(rows.map((l) => l.split(" | ")[0])).toEqual([
      "| @\u200Beve\\|x",
      "| alice/01-1",
      "| bob",
      "| team/carol/01-1-tiny",
    ]);
    expect(rows[1]).toMatch(/^\| alice\/01-1 \| ✅ pass \| ✅ pass \|/);
    expect(rows[2]).toMatch(/^\| bob \| ❌ fail \| ❌ fail \|/);
    expect(r.stdout).not.toContain("notes");
    expect(r.stdout).not.toContain("frank");
    expect(r.stderr).toMatch(WARNING);
  });
});

describe("trace", SLOW, () => {
  it("draws a server against the reference client: the chapter's order of calls, descriptors, results and bytes, in 100 columns", async () => {
    const ws = workspace();
    withPair(ws);
    const text = await kata(["trace", "01-1", "hi-server", "--solution"], { cwd: ws });
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stderr).toBe("");
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe("01-1-tiny · hi-server.ts (solution/) against hi-client.ts (solution/)");
    expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(100);
    const at = (label: string) => {
      const i = lines.findIndex((l) => l.includes(label));
      expect(i, `${label} in\n${text.stdout}`).toBeGreaterThan(-1);
      return i;
    };
    const order = [
      "socket() → 3",
      "bind(3) → 0",
      "listen(3) → 0",
      "connect(3) → 0",
      "accept(3) → 4",
      'write(4) → 4 "hi!\\n"',
      "read(3) → 4",
      "read(3) → 0 (EOF)",
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(at("close(4) → 0")).toBeLessThan(at("read(3) → 0 (EOF)"));
    expect(text.stdout).toContain("[hi-client.ts stdout] hi!");

    const md = await kata(["trace", "01-1", "hi-server", "--solution", "--md"], { cwd: ws });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("```mermaid\nsequenceDiagram\n");
    expect(md.stdout).toContain(
      "    participant S as hi-server.ts (solution/)\n    participant C as hi-client.ts (solution/)",
    );
    const all = messages(md.stdout).filter((m) => !m.endsWith(" blocks"));
    expect(all.filter((m) => m.startsWith("S"))).toEqual([
      "S->>S: socket() → 3",
      "S->>S: bind(3) → 0",
      "S->>S: listen(3) → 0",
      "S->>S: accept(3) → 4",
      'S->>C: write(4) → 4 "hi!\\n"',
      "S-->>C: close(4) → 0",
      "S->>S: close(3) → 0",
      "S->>S: exit 0",
    ]);
    expect(all.filter((m) => m.startsWith("C"))).toEqual([
      "C->>C: socket() → 3",
      "C->>S: connect(3) → 0",
      "C->>C: read(3) → 4",
      "C->>C: read(3) → 0 (EOF)",
      "C-->>S: close(3) → 0",
      "C->>C: exit 0",
    ]);
    // Causal order across the two threads: a read after the write of its bytes, EOF after the close.
    const i = (m: string) => all.indexOf(m);
    expect(i("C->>S: connect(3) → 0")).toBeLessThan(i("S->>S: accept(3) → 4"));
    expect(i('S->>C: write(4) → 4 "hi!\\n"')).toBeLessThan(i("C->>C: read(3) → 4"));
    expect(i("S-->>C: close(4) → 0")).toBeLessThan(i("C->>C: read(3) → 0 (EOF)"));
  });

  it("draws a client against the reference server, and where a side was still blocked when it ended", async () => {
    const ws = workspace();
    withPair(ws);
    const ok = await kata(["trace", "01-1", "hi-client", "--solution", "--md"], { cwd: ws });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("    participant C as hi-client.ts (solution/)");
    expect(messages(ok.stdout)).toContain("C->>S: connect(3) → 0");

    // The client against a server that never closes: both wait, the trace ends at its deadline and says where.
    const dir = outside(ws, { file: "hi-server.ts", change: neverCloses });
    cpSync(path.join(dir, "hi-server.ts"), path.join(ws, KATA, "solution/hi-server.ts"));
    const stuck = await kata(["trace", "01-1", "hi-client", "--solution", "--md"], { cwd: ws, env: FAST });
    expect(stuck.code).toBe(1);
    const steps = messages(stuck.stdout);
    expect(steps).toContain("C->>C: read(3) blocks (still)");
    expect(steps).toContain("S->>S: read(4) blocks (still)");
    expect(stuck.stdout).toContain("The trace ended at its deadline (1.5 s).");
    expect(stuck.stdout).toContain("hi-client.ts was blocked in `read(3)`.");
  });

  it("refuses a program with no peer, naming the servers and clients", async () => {
    const ws = workspace();
    withPair(ws);
    const r = await kata(["trace", "01-1", "hello", "--solution"], { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Its servers and clients: hi-server.ts, hi-client.ts");
  });
});

describe("a failure's blocked-in line, and the review's Markdown", SLOW, () => {
  it("check and review say where each side was blocked when the wait ended; review marks the first difference and escapes what the attempt printed", async () => {
    const ws = workspace();
    withPair(ws);
    const dir = outside(ws, { file: "hi-server.ts", change: neverCloses });
    const hello = path.join(dir, "hello.ts");
    writeFileSync(
      hello,
      readFileSync(hello, "utf8").replace(
        "io.stdout.write(`Hello, ${name}!\\n`);",
        'io.stdout.write("```\\n<img src=x onerror=alert(1)> @everyone #1\\n");',
      ),
    );
    const check = await kata(["check", "01-1", "3", "--impl", dir], { cwd: ws });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      "When the wait ended: hi-client is blocked in read(3). hi-server is blocked in read(4).",
    );
    // Said once, above the failure, not again inside it.
    expect(check.stdout.split("hi-client is blocked in read(3)")).toHaveLength(2);

    const review = await kata(["review", "01-1", "--impl", dir], { cwd: ws, env: FAST });
    expect(review.code).toBe(1);
    const md = review.stdout;
    expect(md).toContain(
      "When the wait ended: hi-client is blocked in `read(3)`. hi-server is blocked in `read(4)`.",
    );
    // The program's output is fenced with more backticks than it holds; nothing of it is Markdown outside.
    expect(md).toContain("````text\n");
    const prose = outsideFences(md).join("\n");
    expect(prose).not.toContain("<img");
    expect(prose).not.toMatch(/@everyone/);
    // The diagrams: the reference's, then the attempt's with its first difference marked.
    expect(md).toContain("#### `hi-server.ts`, the reference (solution/) against `hi-client.ts`");
    expect(md).toContain("#### `hi-server.ts`, this attempt against `hi-client.ts`");
    expect(md).toContain(
      "First difference, at step 6 of `hi-server.ts`: this attempt `read(4) blocks (still)`, the reference `close(4) → 0`.",
    );
    expect(md).toContain("    rect rgb(255, 221, 221)\n    S->>S: read(4) blocks (still)\n");
    expect(md).toContain("#### `hi-client.ts`, this attempt against `hi-server.ts`");
    expect(md).toContain(
      "`hi-client.ts` makes the same calls as the reference, with the same results and bytes.",
    );
  });
});

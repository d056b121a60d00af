// What an attempt controls cannot become Markdown, HTML, a mention or a reference in the review, nor end a Mermaid
// message or a fenced block; the terminal's diagram keeps its columns with wide characters and Mermaid's specials.
import { describe, expect, it } from "vitest";

import { fenced, mdCalls, mdCode, mdText } from "../src/md.ts";
import { mermaid, preview, type Step, stepsOf, textDiagram } from "../src/trace/diagram.ts";
import type { Recording } from "../src/trace/record.ts";
import { columns } from "../src/width.ts";

const ZWSP = "\u200B";

describe("Markdown from attempt-controlled text", () => {
  it("escapes HTML, emphasis, links, tables, mentions and references in text", () => {
    const out = mdText(
      "<img src=x onerror=alert(1)> *bold* [x](https://evil) a|b @alice #12 GH-3 & ok\nnext",
    );
    expect(out).not.toContain("<");
    expect(out).toContain("&lt;img");
    expect(out).toContain("\\*bold\\*");
    expect(out).toContain("\\[x\\]");
    expect(out).toContain("a\\|b");
    expect(out).toContain(`@${ZWSP}alice`);
    expect(out).toContain(`#${ZWSP}12`);
    expect(out).toContain(`https:${ZWSP}//evil`);
    expect(out).toContain("&amp; ok next");
    expect(mdText("# not a heading")).toBe("\\# not a heading");
    expect(mdText("- not a list")).toBe("\\- not a list");
    expect(mdText("alice/04-3")).toBe("alice/04-3");
  });

  it("puts code in a span no backtick run inside can close, pipes escaped for tables", () => {
    expect(mdCode("alice/04-3")).toBe("`alice/04-3`");
    expect(mdCode("a``b|c")).toBe("```a``b\\|c```");
    expect(mdCode("`x`")).toBe("`` `x` ``");
  });

  it("fences a block with more backticks than any run inside", () => {
    expect(fenced("plain")).toBe("```text\nplain\n```");
    expect(fenced("```\n````x", "text")).toBe("`````text\n```\n````x\n`````");
  });

  it("sets call names as code in the CLI's own sentences", () => {
    expect(mdCalls("your client is blocked in read(3). the server closed socket 4.")).toBe(
      "your client is blocked in `read(3)`. the server closed socket 4.",
    );
  });
});

const rec = {
  server: { file: "s.ts", owner: "solution/" },
  client: { file: "c.ts", owner: "<b>@eve;#1</b>" },
} as unknown as Recording;
const steps: Step[] = [
  { from: "client", to: "server", label: "write(3) → 15", data: Buffer.from("안녕하세요"), key: "a" },
  { from: "server", to: "client", label: "write(4) → 11", data: Buffer.from('x;#<br>`"\\\n'), key: "b" },
  { from: "server", to: "server", label: "read(4) → 0 (EOF)", key: "c" },
];

describe("the diagram's text", () => {
  it("shows short data quoted and escaped, cut with an ellipsis", () => {
    expect(preview(Buffer.from("Hello World!"))).toBe('"Hello World!"');
    expect(preview(Buffer.from("Hello\r\n\t\0"))).toBe('"Hello\\r\\n\\t\\x00"');
    expect(preview(Buffer.from([0xff, 0x41]))).toBe('"\\xffA"');
    expect(preview(Buffer.from("abcdefghij"), 4)).toBe('"abcd…"');
  });

  it("keeps every Mermaid message on its line: no ; or # ends it, no HTML, no backtick", () => {
    const src = mermaid(rec, steps);
    expect(src).toContain("participant C as c.ts (#60;b#62;@eve#59;#35;1#60;/b#62;)");
    expect(src).toContain('S->>C: write(4) → 11 "x#59;#35;#60;br#62;#96;\\"\\\\\\n"');
    expect(src.split("\n")).toHaveLength(6);
    const texts = src.split("\n").map((l) =>
      l
        .split(/: | as /)
        .slice(1)
        .join(": "),
    );
    expect(texts.join("\n")).not.toMatch(/[<>`]/);
  });

  it("draws wide characters and Mermaid's specials as they are, the frame aligned", () => {
    const text = textDiagram(rec, steps);
    expect(text).toContain('"안녕하세요"');
    expect(text).toContain('"x;#<br>`\\"\\\\\\n"');
    expect(text).toContain("<b>@eve;#1</b>");
    const lines = text.split("\n");
    // The lifelines stay in one column on every line, whatever the labels held.
    const right = (l: string) => columns(l.slice(0, l.lastIndexOf("│")));
    const rows = lines.filter((l) => /^\s+│.*│$/.test(l));
    expect(rows.length).toBeGreaterThan(5);
    expect(new Set(rows.map(right)).size).toBe(1);
  });

  it("names a wait in the learner's words, one that never ended too", () => {
    const side = (role: "server" | "client", blocked: boolean) => ({
      role,
      file: `${role}.ts`,
      owner: "solution/",
      events: [
        {
          kind: "call" as const,
          seq: role === "server" ? 1 : 2,
          event: { call: "socket", fd: 3, result: 3 },
        },
        { kind: "wait" as const, seq: role === "server" ? 3 : 4, waiting: { call: "read", fd: 3 } },
      ],
      blockedAtEnd: blocked ? { call: "read", fd: 3 } : undefined,
      stdout: "",
      stderr: "",
    });
    const stuck: Recording = {
      server: side("server", true),
      client: side("client", true),
      connections: [],
      ended: "deadline",
    };
    const english = stepsOf(stuck, { blocks: "blocks", still: "(still)" });
    expect(english.map((s) => s.label)).toEqual([
      "socket() → 3",
      "socket() → 3",
      "read(3) blocks (still)",
      "read(3) blocks (still)",
    ]);
    const korean = stepsOf(stuck, { blocks: "대기", still: "(끝나지 않음)" });
    expect(korean.map((s) => s.label).slice(2)).toEqual([
      "read(3) 대기 (끝나지 않음)",
      "read(3) 대기 (끝나지 않음)",
    ]);
    expect(textDiagram(stuck, korean)).toContain("read(3) 대기 (끝나지 않음)");
  });
});

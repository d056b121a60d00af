import { describe, expect, it } from "vitest";

import { composeBody, escapeMarkdown, escapeText, MARKER } from "../src/markdown.mjs";

const Z = "\u200B";

/** A mention GitHub would link: `@` right before a name character, not after a word character. */
const MENTION = /(^|[^\w`])@[A-Za-z0-9]/m;
/** An issue or pull request reference GitHub would link: #12, owner/repo#12, GH-12. */
const REFERENCE = /#\d|\bGH-\d/i;

describe("escapeText", () => {
  it("disarms mentions and team mentions", () => {
    const out = escapeText("thanks @alice, cc @study-group/reviewers and (@bob)");
    expect(out).not.toMatch(MENTION);
    expect(out).toBe(`thanks @${Z}alice, cc @${Z}study-group/reviewers and (@${Z}bob)`);
  });

  it("disarms issue and pull request references", () => {
    for (const ref of ["#12", "fixes #3", "owner/repo#45", "GH-6", "gh-7", "\\#8", "GH\\-9"]) {
      const out = escapeText(ref);
      expect(out.replace(/\\/g, ""), ref).not.toMatch(REFERENCE);
    }
    expect(escapeText("https://github.com/o/r/issues/12 and [x](https://github.com/o/r/pull/3)")).toBe(
      `https://github.com/o/r/issues/${Z}12 and [x](https://github.com/o/r/pull/${Z}3)`,
    );
    // Headings and plain # are untouched.
    expect(escapeText("### Failures (2)")).toBe("### Failures (2)");
  });

  it("escapes raw HTML and character references that could spell it", () => {
    expect(escapeText('<img src=x onerror="alert(1)"> <details><summary>s</summary>')).toBe(
      '&lt;img src=x onerror="alert(1)"> &lt;details>&lt;summary>s&lt;/summary>',
    );
    expect(escapeText("&#64;alice &commat;bob &lt;b&gt; &#x23;12")).toBe(
      `&amp;#${Z}64;alice &amp;commat;bob &amp;lt;b&amp;gt; &amp;#x23;12`,
    );
    expect(escapeText("a && b, 1 < 2")).toBe("a && b, 1 &lt; 2");
  });

  it("removes a forged marker, however it is spaced or nested", () => {
    for (const forged of [MARKER, "<!--tcp-katas-review-->", "<!--  TCP-KATAS-REVIEW\t-->"]) {
      expect(escapeText(`x ${forged} y`)).toBe("x (marker removed) y");
    }
    const nested = "<!-- tcp-<!-- tcp-katas-review -->katas-review -->";
    expect(escapeText(nested)).not.toMatch(/<!--\s*tcp-katas-review\s*-->/i);
    expect(escapeMarkdown(`\`\`\`\n${nested}\n\`\`\``)).not.toMatch(/<!--\s*tcp-katas-review\s*-->/i);
  });
});

describe("escapeMarkdown", () => {
  it("keeps a table and a mermaid block as they are", () => {
    const table = "| stage | result |\n|---|---|\n| 1. echo | ✅ pass |\n| 2. close | ❌ fail |";
    const mermaid = "```mermaid\nsequenceDiagram\n  client->>server: connect()\n  A<-->B: bytes\n```";
    expect(escapeMarkdown(`${table}\n\n${mermaid}`)).toBe(`${table}\n\n${mermaid}`);
  });

  it("leaves code blocks' text alone but still removes a forged marker there", () => {
    const out = escapeMarkdown(`\`\`\`text\n<b>@alice #12</b>\n${MARKER}\n\`\`\`\n<b>`);
    expect(out).toBe("```text\n<b>@alice #12</b>\n(marker removed)\n```\n&lt;b>");
  });

  it("ends a block where GitHub does: a closing fence indented up to three spaces, long enough", () => {
    const out = escapeMarkdown("````\n```\n<i>still code</i>\n   ````\n<i>text</i>\n~~~\n<i>code</i>\n~~~");
    expect(out).toBe("````\n```\n<i>still code</i>\n   ````\n&lt;i>text&lt;/i>\n~~~\n<i>code</i>\n~~~");
    // Four spaces or a tab do not close it: the block goes on.
    expect(escapeMarkdown("```\n    ```\n<i>x</i>\n```")).toBe("```\n    ```\n<i>x</i>\n```");
  });

  it("escapes as text a fence that does not start at column 0 (a list item's, a quote's)", () => {
    expect(escapeMarkdown("- a\n  ```\n<img src=x>\n  ```")).toBe("- a\n  ```\n&lt;img src=x>\n  ```");
    expect(escapeMarkdown("> ```\n<img src=x>")).toBe("> ```\n&lt;img src=x>");
  });

  it("closes a block left open, and drops an info string that is not a plain word", () => {
    expect(escapeMarkdown("~~~~ts\nconst x = 1;")).toBe("~~~~ts\nconst x = 1;\n~~~~");
    expect(escapeMarkdown("```<img src=x>\ncode\n```")).toBe("```\ncode\n```");
  });

  it("turns the review's collapsible sections into a bold title, and escapes any other HTML", () => {
    const review = [
      "<details><summary>stage 3 · the second client waits its turn <b>@alice</b></summary>",
      "",
      "```text",
      "Error: <details> in code stays",
      "```",
      "",
      "</details>",
      '<details open><summary onclick="x()">s</summary>',
    ].join("\n");
    expect(escapeMarkdown(review)).toBe(
      [
        `**stage 3 · the second client waits its turn &lt;b>@${Z}alice&lt;/b>**`,
        "",
        "```text",
        "Error: <details> in code stays",
        "```",
        "",
        "",
        '&lt;details open>&lt;summary onclick="x()">s&lt;/summary>',
      ].join("\n"),
    );
  });

  it("reads \\r\\n and \\r as line ends, as GitHub does", () => {
    expect(escapeMarkdown("```\r\n<b>\r```\r<b>")).toBe("```\n<b>\n```\n&lt;b>");
    // A byte order mark is dropped, so a fence after one is a fence here too.
    expect(escapeMarkdown("\uFEFF```\n<b>\n```\n<b>")).toBe("```\n<b>\n```\n&lt;b>");
  });
});

describe("composeBody", () => {
  const note = (shown: number, total: number) => `> cut: ${shown} of ${total} lines`;

  it("starts with the marker, then the header, then the escaped review", () => {
    const { body, cut } = composeBody({ header: "### Kata review", review: "@alice", cutNote: note });
    expect(cut).toBe(false);
    expect(body).toBe(`${MARKER}\n### Kata review\n\n@${Z}alice`);
  });

  it("cuts a long review under the limit, closes the open block and says so", () => {
    const review =
      `## r\n\n\`\`\`text\n${"x".repeat(80)}\n`.repeat(1) + `${"y".repeat(80)}\n`.repeat(2000) + "```\nend";
    const { body, cut } = composeBody({ header: "h", review, cutNote: note, limit: 10_000 });
    expect(cut).toBe(true);
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body).toMatch(/y\n```\n\n> cut: \d+ of 2006 lines$/);
    expect(body).not.toContain("end");
  });

  it("cuts one very long line without splitting an escape or a surrogate pair", () => {
    const review = "<".repeat(50_000);
    const { body } = composeBody({ header: "h", review, cutNote: note, limit: 5_000 });
    expect(body.length).toBeLessThanOrEqual(5_000);
    expect(body).toMatch(/^(<!--[^\n]*-->\nh\n\n)(&lt;)+\n\n> cut: 0 of 1 lines$/);
    const emoji = composeBody({ header: "h", review: "😀".repeat(10_000), cutNote: note, limit: 3_001 }).body;
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("never writes half a fence when the cut falls on one", () => {
    const review = `${"z".repeat(100)}\n\`\`\`\`\`\`\`\`\`\`mermaid\ngraph\n\`\`\`\`\`\`\`\`\`\``;
    for (let limit = 160; limit < 200; limit++) {
      const { body } = composeBody({
        header: "h",
        review,
        cutNote: () => "> cut",
        limit: limit + MARKER.length,
      });
      const fences = body.split("\n").filter((l) => /^`{3,}/.test(l));
      expect(fences.length % 2, body).toBe(0);
    }
  });
});

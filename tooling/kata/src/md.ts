/**
 * Markdown built from text a study group's attempt controls (its folder names, its programs' output, its lint
 * findings, the bytes it sent): nothing of it may become Markdown, HTML, a link, an @mention or an issue
 * reference when GitHub renders the review. The poster (tooling/review-post) escapes the whole comment again;
 * the review is safe to paste by hand too.
 */

const ZWSP = "\u200B";

function longestRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/** A fenced block that no line of `text` can close: its fence is longer than any backtick run inside. */
export function fenced(text: string, info = "text"): string {
  const ticks = "`".repeat(Math.max(3, longestRun(text) + 1));
  return `${ticks}${info}\n${text}\n${ticks}`;
}

/**
 * Plain text on one line of Markdown, a table cell included: every character Markdown or HTML gives a meaning
 * is escaped, `@` and `#12` are broken with a zero-width space (no mention, no reference), and line breaks
 * become spaces.
 */
export function mdText(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_[\]|~]/g, "\\$&")
      // What starts a block only at the start of a line: a heading, a list, a quote, a setext underline.
      .replace(/^(\s*)([#+\-=]|\d+(?=[.)]))/, "$1\\$2")
      .replace(/@/g, `@${ZWSP}`)
      .replace(/(#|GH\\-|(?:issues|pulls?|discussions)\/)(?=\d)/gi, `$1${ZWSP}`)
      .replace(/:\/\//g, `:${ZWSP}//`)
  );
}

/**
 * Text as inline code on one line (a table cell included): delimited by a backtick run longer than any inside,
 * `|` escaped for tables (GitHub reads `\|` as a pipe in a code span of a table, and a bare one as a new cell).
 */
export function mdCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  const ticks = "`".repeat(longestRun(flat) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A message the CLI wrote, with call names such as read(3) set as code: "blocked in `read(3)`". */
export function mdCalls(text: string): string {
  return text
    .split(/(\b[A-Za-z]\w*\(\d*\))/)
    .map((part, i) => (i % 2 === 1 ? `\`${part}\`` : mdText(part)))
    .join("");
}

// @ts-check
// Untrusted Markdown (a review made by a pull request's own code) made safe to post as a comment by the bot.
// Node built-ins only: the workflow_run job runs this file with plain `node`, nothing installed.
//
// What stays: headings, lists, tables, emphasis, fenced code blocks (```mermaid still renders); the review's
// collapsible sections (<details><summary>) become a bold title line.
// What goes: raw HTML (every `<` outside a fenced block is `&lt;`), character references that could spell one of
// the characters below (`&` before a name or `#` is `&amp;`), @mentions and team mentions, and issue or pull
// request references that notify (#12, owner/repo#12, GH-12, links to .../issues/12 or .../pull/12): a zero-width
// space (U+200B) after `@`, and before the number of a reference, keeps the text readable and out of GitHub's
// mention and reference finders. A forged marker is removed anywhere, code blocks included.
//
// Fenced code blocks are left as they are (GitHub links no mention or reference there, and shows HTML as text):
// only a fence that opens at column 0, as the project's review writes them, counts as one; any other line is
// escaped as text, which is the safe side (at worst a `&lt;` shows). A block left open is closed at the end, so
// nothing that follows it (the truncation note) is swallowed.

/** @typedef {{ char: string, length: number }} Fence */

/** The hidden marker that starts the bot's review comment (and only that comment). */
export const MARKER = "<!-- tcp-katas-review -->";

/** GitHub rejects a comment body of more than 65,536 characters; stay well under it (JS length >= characters). */
export const BODY_LIMIT = 60_000;

const ZWSP = "\u200B";
const FORGED_MARKER = /<!--\s*tcp-katas-review\s*-->/gi;

/** @param {string} line */
function withoutMarker(line) {
  let out = line;
  for (let before = ""; before !== out;) {
    before = out;
    out = out.replace(FORGED_MARKER, "(marker removed)");
  }
  return out;
}

/**
 * One line of Markdown text (outside a fenced code block), escaped.
 * @param {string} line
 */
export function escapeText(line) {
  return (
    withoutMarker(line)
      // References first, so no `&` of ours is escaped again.
      .replace(/&(?=[#A-Za-z])/g, "&amp;")
      .replace(/</g, "&lt;")
      // @alice, @org/team, and owner/repo@sha: nothing after an `@` may start a name.
      .replace(/@(?=\S)/g, `@${ZWSP}`)
      // #12, owner/repo#12, \#12 (a backslash does not stop a reference: it is only a Markdown escape).
      .replace(/#(?=\\?\d)/g, `#${ZWSP}`)
      // GH-12, GH\-12
      .replace(/\b(GH\\?-)(?=\d)/gi, `$1${ZWSP}`)
      // https://github.com/owner/repo/issues/12, /pull/12, /discussions/12 (and with \/ escapes)
      .replace(/\b(issues|pulls?|discussions)(\\?\/)(?=\d)/gi, `$1$2${ZWSP}`)
  );
}

/**
 * An opening fence at column 0: ``` or ~~~ (three or more), and for backticks an info string without backticks.
 * @param {string} line
 * @returns {{ char: string, length: number, info: string } | undefined}
 */
function openingFence(line) {
  const m = /^(`{3,})([^`]*)$/.exec(line) ?? /^(~{3,})(.*)$/.exec(line);
  if (!m) return undefined;
  const fence = /** @type {string} */ (m[1]);
  return { char: fence.charAt(0), length: fence.length, info: (m[2] ?? "").trim() };
}

/**
 * Whether `line` closes a block opened with `length` times `char` (CommonMark: up to three spaces of indent, at
 * least as many of the same character, then only spaces or tabs).
 * @param {string} line
 * @param {Fence} open
 */
function closesFence(line, open) {
  const m = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return m !== null && m[1]?.charAt(0) === open.char && (m[1]?.length ?? 0) >= open.length;
}

/**
 * The lines of untrusted Markdown, escaped one by one, with the fence state after each, so a caller can stop at
 * any line and close what is open. `code` marks a line inside a block, `fence` a line that opens or closes one.
 * @param {string} markdown
 * @returns {Generator<{ line: string, code: boolean, fence: boolean, open: Fence | undefined }>}
 */
export function* escapedLines(markdown) {
  // As CommonMark reads it: \r\n and \r end lines, NUL is U+FFFD. A byte order mark goes: one that opened a
  // document would be dropped by GitHub, and with it the line after would be a fence that this parser missed.
  const text = markdown
    .replace(/\r\n?/g, "\n")
    .replace(/\0/g, "\uFFFD")
    .replace(/\uFEFF/g, "");
  /** @type {Fence | undefined} */
  let open;
  for (const line of text.split("\n")) {
    if (open) {
      if (closesFence(line, open)) {
        open = undefined;
        yield { line, code: false, fence: true, open };
      } else {
        yield { line: withoutMarker(line), code: true, fence: false, open };
      }
      continue;
    }
    const fence = openingFence(line);
    if (fence) {
      open = { char: fence.char, length: fence.length };
      // The info string names the language (mermaid, text, ts): a plain word or nothing.
      const info = /^[\w+.-]*$/.test(fence.info) ? fence.info : "";
      yield { line: fence.char.repeat(fence.length) + info, code: false, fence: true, open };
      continue;
    }
    yield { line: escapeText(collapsible(line)), code: false, fence: false, open };
  }
}

/**
 * The one HTML the kata CLI's review writes, a collapsible section per failing test, made plain Markdown before
 * escaping: `<details><summary>title</summary>` becomes the title in bold, `</details>` an empty line. Any other
 * HTML on the line, or anywhere, is escaped like the rest.
 * @param {string} line
 */
function collapsible(line) {
  const summary = /^\s*(?:<details>\s*)?<summary>(.*)<\/summary>\s*$/i.exec(line);
  if (summary) return `**${summary[1]?.trim() ?? ""}**`;
  return /^\s*<\/?details>\s*$/i.test(line) ? "" : line;
}

/** @param {Fence | undefined} open */
function closing(open) {
  return open ? `\n${open.char.repeat(open.length)}` : "";
}

/**
 * Untrusted Markdown, escaped, with any fenced block left open closed.
 * @param {string} markdown
 */
export function escapeMarkdown(markdown) {
  const out = [];
  /** @type {Fence | undefined} */
  let open;
  for (const l of escapedLines(markdown)) {
    out.push(l.line);
    open = l.open;
  }
  return out.join("\n") + closing(open);
}

/**
 * At most `max` UTF-16 units of an escaped line: never half a surrogate pair, never half of `&amp;` or `&lt;`.
 * @param {string} line
 * @param {number} max
 * @param {boolean} code
 */
function cutLine(line, max, code) {
  let cut = line.slice(0, Math.max(0, max));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (!code) cut = cut.replace(/&[#A-Za-z0-9]*$/, "");
  return cut;
}

/**
 * The whole comment: the marker, the trusted header (already Markdown), the untrusted review escaped, and the
 * trusted footer; cut to `limit` with a note when the review is longer.
 * @param {{ header: string, review: string, footer?: string, cutNote: (shown: number, total: number) => string, limit?: number }} parts
 */
export function composeBody({ header, review, footer = "", cutNote, limit = BODY_LIMIT }) {
  const head = `${MARKER}\n${header}\n\n`;
  const tail = footer ? `\n\n${footer}` : "";
  const full = escapeMarkdown(review);
  if (head.length + full.length + tail.length <= limit) return { body: head + full + tail, cut: false };

  const rawLines = review.replace(/\r\n?/g, "\n").split("\n").length;
  // Room for the closing fence and the note, whose numbers have at most as many digits as the total.
  const note = cutNote(rawLines, rawLines);
  let room = limit - head.length - tail.length - note.length - 2 * "\n\n".length - 1024;
  /** @type {string[]} */
  const kept = [];
  /** @type {Fence | undefined} */
  let open;
  let shown = 0;
  for (const l of escapedLines(review)) {
    const cost = l.line.length + 1;
    if (cost > room) {
      // Part of a long line, but never part of a fence: the block open before this line stays the one to close.
      if (!l.fence) {
        const part = cutLine(l.line, room - 1, l.code);
        if (part.length > 0) kept.push(part);
      }
      break;
    }
    kept.push(l.line);
    room -= cost;
    open = l.open;
    shown += 1;
  }
  const body = `${head}${kept.join("\n")}${closing(open)}\n\n${cutNote(shown, rawLines)}${tail}`;
  return { body, cut: true };
}

// @ts-check
// Untrusted Markdown (a review made by a pull request's own code) made safe to post as the bot's comment, with
// Node built-ins only (README: "What it escapes"). Outside fenced blocks: no raw HTML, no character reference that
// could spell it, no @mention and no notifying reference (a zero-width space breaks them); the review's
// <details><summary> become a bold title. Fenced blocks are kept (GitHub links nothing there, and shows HTML as
// text), but only a fence at column 0, as the review writes them, opens one: any other line is escaped as text,
// the safe side. A forged marker goes everywhere; a block left open is closed, so it swallows no note after it.

/** @typedef {{ char: string, length: number }} Fence */

/** The hidden marker that starts the bot's review comment (and only that comment). */
export const MARKER = "<!-- tcp-katas-review -->";

/** GitHub rejects a comment body of more than 65,536 characters; stay well under it (JS length >= characters). */
const BODY_LIMIT = 60_000;

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
function* escapedLines(markdown) {
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
    // An opening fence at column 0: ``` or ~~~ (three or more), and for backticks an info string without backticks.
    const m = /^(`{3,})([^`]*)$/.exec(line) ?? /^(~{3,})(.*)$/.exec(line);
    if (m) {
      const fence = /** @type {string} */ (m[1]);
      open = { char: fence.charAt(0), length: fence.length };
      // The info string names the language (mermaid, text, ts): a plain word or nothing.
      const info = (m[2] ?? "").trim();
      yield { line: fence + (/^[\w+.-]*$/.test(info) ? info : ""), code: false, fence: true, open };
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
  const lines = [...escapedLines(markdown)];
  return lines.map((l) => l.line).join("\n") + closing(lines.at(-1)?.open);
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
 * The whole comment: the marker, the trusted header (already Markdown), then the untrusted review escaped; cut to
 * `limit` with a note when the review is longer.
 * @param {{ header: string, review: string, cutNote: (shown: number, total: number) => string, limit?: number }} parts
 */
export function composeBody({ header, review, cutNote, limit = BODY_LIMIT }) {
  const head = `${MARKER}\n${header}\n\n`;
  const full = escapeMarkdown(review);
  if (head.length + full.length <= limit) return { body: head + full, cut: false };

  const rawLines = review.replace(/\r\n?/g, "\n").split("\n").length;
  // Room for the closing fence and the note, whose numbers have at most as many digits as the total.
  let room = limit - head.length - cutNote(rawLines, rawLines).length - 2 * "\n\n".length - 1024;
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
  return { body: `${head}${kept.join("\n")}${closing(open)}\n\n${cutNote(shown, rawLines)}`, cut: true };
}

/**
 * The course's Korean terms, one per concept (./GLOSSARY.md), and a check for the variants it lists: lessons,
 * hints, test titles and messages speak the book's words, the same ones everywhere.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Term {
  concept: string;
  term: string;
  avoid: string[];
}

const FILE = fileURLToPath(new URL("./GLOSSARY.md", import.meta.url));

/** The glossary's rows (the Markdown table of GLOSSARY.md). */
export function glossary(file = FILE): Term[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map(([concept = "", term = "", avoid = ""]) => ({
      concept,
      term,
      avoid: avoid
        .split(/,\s*/)
        .map((v) => v.trim())
        .filter(Boolean),
    }));
}

/** Every variant the glossary forbids that `text` holds, with the term to use instead. */
export function glossaryProblems(text: string, terms: readonly Term[] = glossary()): string[] {
  const found: string[] = [];
  for (const { term, avoid } of terms)
    for (const variant of avoid)
      if (text.includes(variant)) found.push(`"${variant}" (the course says "${term}")`);
  return found;
}

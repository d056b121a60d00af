// Terminal columns: Hangul and CJK characters take two, colour codes none. The board and the trace diagram line
// their columns up with these, so a Korean board keeps its columns.
import { stripVTControlCharacters } from "node:util";

/** The wide characters (East Asian Width W/F) that occur in this project's texts. */
export const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

export function columns(line: string): number {
  const plain = stripVTControlCharacters(line);
  return [...plain].length + (plain.match(WIDE)?.length ?? 0);
}

export function padColumns(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - columns(text)));
}

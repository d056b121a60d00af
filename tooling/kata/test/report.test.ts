// What the board and the failure block show: columns that line up in Korean (wide Hangul, colour codes), and a
// failure's message without the error's name in front of it.
import { describe, expect, it } from "vitest";

import { failureSummary } from "../src/runner/stages.ts";
import { columns, padColumns } from "../src/width.ts";

describe("board columns", () => {
  it("counts Hangul as two columns and colour codes as none", () => {
    expect(columns("완료")).toBe(4);
    expect(columns("시작 전")).toBe(7);
    expect(columns("\u001b[32mdone\u001b[39m")).toBe(4);
  });

  it("pads the states of a Korean board to the same width, coloured or not", () => {
    const states = ["완료", "시작 전", "실패", "\u001b[2m시작 전\u001b[22m", "not started"];
    const padded = states.map((s) => padColumns(s, 12));
    expect(padded.map(columns)).toEqual([12, 12, 12, 12, 12]);
    expect(padColumns("too long for it", 4)).toBe("too long for it");
  });
});

describe("failureSummary", () => {
  it("drops a plain `Error: ` and a kata error's name, keeps other names, and leaves out the stack", () => {
    expect(failureSummary("Error: 호출 순서가 기대와 다릅니다.\n    at x (file.ts:1:1)")).toBe(
      "호출 순서가 기대와 다릅니다.",
    );
    expect(failureSummary("RunFailed [KATA_RUN]: your server exited with code 1, 0 expected.")).toBe(
      "your server exited with code 1, 0 expected.",
    );
    expect(failureSummary("AssertionError: expected 1 to be 2")).toBe("AssertionError: expected 1 to be 2");
    expect(failureSummary(undefined)).toBe("");
  });
});

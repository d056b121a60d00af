// A kata's file-reading tools (04-1's dissect.ts) under bad command lines and missing files: the Usage line or
// one line naming the file, exit 1, nothing on stdout, no stack trace. Such a tool is given whole to the learner,
// so its contract is checked here, against the solution, rather than in the kata's own stages.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { run } from "@tcp-katas/shared/testing";
import { afterAll, describe, expect, it } from "vitest";

import { FILE_READERS } from "./katas.ts";

const tmp = mkdtempSync(path.join(tmpdir(), "kata-faults-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(FILE_READERS)("$kata/solution/$file under faults", (p) => {
  it.each([[[]], [["a.pcap", "b.pcap", "c.pcap"]], [["--no-such-flag", "a.pcap"]]])(
    "refuses the arguments %j: the Usage line on stderr, exit 1",
    async (args) => {
      const tool = run(p.target, args, { label: p.file });
      await tool.expectExit(1);
      expect(tool.stderr.text.startsWith(`Usage : ${p.file} `), tool.stderr.text).toBe(true);
      expect(tool.stderr.text.split("\n").filter(Boolean), "one line").toHaveLength(1);
      expect(tool.stdout.text).toBe("");
    },
  );

  it("a file that does not exist: one line naming it (ENOENT), exit 1, nothing on stdout", async () => {
    const missing = path.join(tmp, "missing.pcap");
    const tool = run(p.target, [missing], { label: p.file });
    await tool.expectExit(1);
    expect(tool.stderr.text).toMatch(
      new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: .*\\(ENOENT\\)\\n$`),
    );
    expect(tool.stdout.text).toBe("");
  });
});

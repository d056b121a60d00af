import path from "node:path";

import type { Command } from "../command.ts";
import { playDemo } from "../demo-player.ts";
import { CliError } from "../errors.ts";
import { findKata } from "../lookup.ts";

export const demo: Command = {
  name: "demo",
  min: 0,
  max: 1,
  async run(ctx, { positionals }) {
    if (positionals[0]) {
      const kata = findKata(ctx, positionals[0]);
      if (kata.demo.length === 0) throw new CliError(ctx.t("demo.none", { id: kata.id }));
      await playDemo(ctx, kata);
      return 0;
    }
    const withDemo = ctx.katas().filter((k) => k.demo.length > 0);
    if (withDemo.length === 0) throw new CliError(ctx.t("demo.noneAtAll"));
    for (const kata of withDemo) await playDemo(ctx, kata);
    const first = ctx.katas()[0];
    const lesson = first
      ? path.relative(ctx.root, path.join(first.dir, `README${ctx.lang === "en" ? "" : `.${ctx.lang}`}.md`))
      : "";
    const list = ctx.style.accent("pnpm kata list");
    ctx.out(`\n${ctx.style.bold(ctx.t("demo.end"))} ${ctx.t("demo.next", { list, lesson })}`);
    return 0;
  },
};

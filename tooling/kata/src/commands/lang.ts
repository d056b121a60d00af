import path from "node:path";

import { storeLang } from "@tcp-katas/shared/i18n";

import type { Command } from "../command.ts";
import { usageError } from "../errors.ts";
import { availableLangs, loadCatalogue } from "../i18n.ts";

/** Shows the language the CLI and the tests speak, or stores a choice in the state folder (git-ignored). */
export const lang: Command = {
  name: "lang",
  min: 0,
  max: 1,
  async run(ctx, { positionals }) {
    const known = availableLangs();
    const wanted = positionals[0]?.toLowerCase();
    if (wanted === undefined) {
      ctx.out(ctx.t("lang.current", { lang: ctx.lang, known: known.join(", ") }));
      return 0;
    }
    if (!known.includes(wanted))
      throw usageError(ctx.t("lang.unknown", { lang: wanted, known: known.join(", ") }));
    const file = path.join(ctx.stateDir, "config.json");
    storeLang(wanted, ctx.stateDir);
    // Say it in the language just chosen (unless KATA_LANG overrides it, which is then said too).
    ctx.out(
      loadCatalogue(wanted).t("lang.stored", { lang: wanted, file: path.relative(ctx.io.cwd, file) || file }),
    );
    if (ctx.io.env.KATA_LANG && ctx.io.env.KATA_LANG !== wanted)
      ctx.out(ctx.t("lang.overridden", { lang: ctx.io.env.KATA_LANG }));
    return 0;
  },
};

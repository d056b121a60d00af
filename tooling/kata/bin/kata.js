#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so there is no build step to forget.
import { constants } from "node:os";

import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
// Killed from outside (a closed terminal, a CI timeout): leave through process.exit(), whose "exit" listener
// (runner/session.ts) stops the tests and what they started; the signal's default action would skip it.
for (const signal of /** @type {const} */ (["SIGTERM", "SIGHUP"])) {
  process.on(signal, () => process.exit(128 + constants.signals[signal]));
}
process.exitCode = await main(process.argv.slice(2));

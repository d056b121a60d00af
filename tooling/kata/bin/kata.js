#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so there is no build step to forget.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
const { killAllSessions } = await import("../src/runner/session.ts");
// Killed from outside (a closed terminal, a CI timeout): stop the tests and what they started too.
/** @type {[NodeJS.Signals, number][]} */
const signals = [
  ["SIGTERM", 15],
  ["SIGHUP", 1],
];
for (const [signal, n] of signals) {
  process.on(signal, () => {
    killAllSessions();
    process.exit(128 + n);
  });
}
process.exitCode = await main(process.argv.slice(2));

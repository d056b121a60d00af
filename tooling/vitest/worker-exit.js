// Plain JS, as the rest of the preset. A setup file: it runs in every test worker, before each file.
//
// A worker process whose vitest has gone (signalled alone, by a supervisor or `kill`) keeps running the test it
// was in, and with it every program that test started. Its IPC channel closes when vitest goes, whatever the
// reason: the worker leaves then, and the programs it started as processes leave with it (they watch their own
// channel the same way, in @tcp-katas/shared's boundary). Threads (pool "threads") end with their process anyway.
const MARK = Symbol.for("tcp-katas.worker-exit");
const state = /** @type {Record<symbol, boolean>} */ (/** @type {unknown} */ (globalThis));
if (process.channel && !state[MARK]) {
  state[MARK] = true;
  process.once("disconnect", () => process.exit(1));
}

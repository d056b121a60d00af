// Stuck workers: the beats vitest workers write while their event loop runs, and the watchers that read them.
export { type Beat, BEAT_DIR_ENV, BEAT_EVERY_MS, readBeats, STUCK_AFTER_MS, stuckBeats } from "./beats.ts";

/** Removes the folders under `parent` that runs killed with SIGKILL left behind (their pid no longer exists). */
export function sweep(parent: string): void;
/** vitest's globalSetup: a temporary folder of the run's own; returns the teardown that removes it. */
export default function setup(): () => void;

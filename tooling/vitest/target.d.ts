export declare const TARGET_ENV: "KATA_TARGET";
export declare function resolveTarget(
  kataDir: string,
  value: string | undefined,
  baseDir?: string,
): { name: string; dir: string };

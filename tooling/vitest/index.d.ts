import type { UserConfig } from "vitest/config";

export declare function kataConfig(kataDir: string): UserConfig;
export declare function unitConfig(dir: string): UserConfig;

declare module "vitest" {
  export interface ProvidedContext {
    kataTarget: string;
    kataTargetName: string;
  }
}

export declare function targetDir(): string;
export declare function targetName(): string;
/** Imports one file of the target; type it with the solution's module: `impl<typeof import("../solution/x.ts")>("x.ts")`. */
export declare function impl<M>(file: string): Promise<M>;

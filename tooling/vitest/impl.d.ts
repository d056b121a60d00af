declare module "vitest" {
  export interface ProvidedContext {
    kataTarget: string;
    kataTargetName: string;
    kataDir: string;
  }
}

/** One program file of the target, for @tcp-katas/shared/testing's run(), startServer() and load(). */
export declare function program(file: string): { file: string; resolveFrom: string };

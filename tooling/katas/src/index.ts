/**
 * The one reader of the katas' manifests. Every tool that runs over katas (the CLI, the fault suite, mutation
 * testing, the bench, CI's scripts) finds them here, from `chapters/<id>/kata.json`, validated against
 * `kata.schema.json` and cross-checked for what a schema cannot say. A checkout with one kata finds that one.
 * @module
 */
export {
  type DemoStep,
  isBonus,
  type Kata,
  kataAt,
  loadKata,
  loadKatas,
  ManifestError,
  type ProgramInfo,
  type Stage,
  type Text,
} from "./manifest.ts";
export { findWorkspace, NoWorkspace } from "./workspace.ts";

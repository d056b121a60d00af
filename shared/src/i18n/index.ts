/**
 * One language at a time for everything the learner reads: a language is chosen by KATA_LANG, the choice
 * stored by `pnpm kata lang`, or the locale, and each catalogue is a folder with one flat JSON file per
 * language (`en.json`, `ko.json`, ...; `"dotted.key": "text with {placeholder}"`). Adding a language is adding a
 * file to each catalogue folder.
 * @module
 */
export {
  availableLangs,
  type Catalogue,
  catalogueOf,
  checkCatalogues,
  type Lang,
  loadCatalogue,
} from "./catalogue.ts";
export { glossary, glossaryProblems, type Term } from "./glossary.ts";
export { resolveLang, stateDir, storeLang, workspaceRoot } from "./lang.ts";
export { SHARED_LOCALES } from "./locales-dir.ts";
export { messages, msg, SHARED_LANGS, type SharedKey, t, type Texts, useLang } from "./messages.ts";

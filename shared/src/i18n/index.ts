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
  checkCatalogues,
  DEFAULT_LANG,
  type Lang,
  loadCatalogue,
  placeholders,
} from "./catalogue.ts";
export { resolveLang, SHARED_LOCALES, stateDir, storeLang, workspaceRoot } from "./lang.ts";
export { messages, msg, type SharedKey, useLang } from "./messages.ts";

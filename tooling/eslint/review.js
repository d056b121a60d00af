// For `pnpm kata review`: lints an attempt folder anywhere on disk. It cannot use the type-aware rules (the
// folder belongs to no tsconfig), so it keeps the rest of the project's rules: `plain`, which index.js adds to.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

/** @type {import("eslint").Linter.Config} */
export const plain = {
  languageOptions: { globals: globals.node },
  plugins: { "simple-import-sort": simpleImportSort },
  rules: {
    "simple-import-sort/imports": "error",
    "@typescript-eslint/no-explicit-any": "error",
    "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    eqeqeq: ["error", "always"],
  },
};

export default tseslint.config(js.configs.recommended, ...tseslint.configs.recommended, plain, prettier);

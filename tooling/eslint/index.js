import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

import { plain } from "./review.js";

/**
 * The config every package uses: `export default config(import.meta.dirname)`.
 * @param {string} root the package folder, where its tsconfig.json lives
 */
export function config(root) {
  return tseslint.config(
    // vitest.stryker.config.mjs: written by `pnpm test:mutation` for the length of a run (git-ignored).
    { ignores: ["node_modules/**", "coverage/**", ".turbo/**", ".kata/**", "vitest.stryker.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    plain,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
      plugins: { "import-x": importX },
      settings: {
        "import-x/extensions": [".ts", ".js"],
        "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
        "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
      },
      rules: {
        // Modules depend one way: a cycle (commands importing each other, say) fails the lint.
        "import-x/no-cycle": ["error", { ignoreExternal: true }],
        "simple-import-sort/exports": "error",
        // `typeof import("../solution/x.ts")` types a target module by the reference without loading it.
        "@typescript-eslint/consistent-type-imports": ["error", { disallowTypeAnnotations: false }],
        "@typescript-eslint/no-floating-promises": "error",
        // Program bodies and experiments are async by contract (a starter's body is only a todo()).
        "@typescript-eslint/require-await": "off",
        // vitest's toThrow("text") and toThrow(/re/) also pass when `undefined` is thrown.
        "no-restricted-syntax": [
          "error",
          {
            selector:
              "CallExpression[callee.property.name=/^toThrow(Error)?$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
            message:
              "toThrow() with a bare text or pattern also passes when undefined is thrown: use toThrow(errorMatching(...)) from @tcp-katas/shared/testing, or an error class.",
          },
        ],
      },
    },
    prettier,
  );
}

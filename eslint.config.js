// ESLint (`npm run lint`, part of `npm test`): typescript-eslint's strict type-checked rules, with the
// few changes below, each saying why.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "smpsim-runs/", "coverage/", "src/ui/web/vite.config.ts"] },
  js.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["vitest.config.ts"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An assertion of what the model guarantees (a core index in range): warned, so each one is seen.
      "@typescript-eslint/no-non-null-assertion": "warn",
      // Numbers in messages are the norm here (addresses, cores, event numbers), formatted on purpose.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `(line) => process.stderr.write(line)` as a callback is the idiom for sinks and progress.
      "@typescript-eslint/no-confusing-void-expression": [
        "error",
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // The machine state is plain JSON-like records (hashed, logged, frozen by immer): an entry leaves a
      // record by `delete`. Warned until the records that shrink are Maps (a change to the state's shape).
      "@typescript-eslint/no-dynamic-delete": "warn",
      // Warned: most of its findings are validators of external input (log lines, user modules, JSON
      // from the viewer's API) typed as what they should be before they are checked; the fix is to type
      // them `unknown` first, which the log reader's rewrite does. Re-evaluate after it lands.
      "@typescript-eslint/no-unnecessary-condition": "warn",
      // Warned: the debugger's and viewer's tables print values of JSON objects (`unknown`); each needs a
      // formatter by kind rather than String(). Re-evaluate with the one log parser.
      "@typescript-eslint/no-base-to-string": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Tests build malformed scenarios and read parsed JSON output on purpose: `any` is their material.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "warn",
      "@typescript-eslint/no-unsafe-member-access": "warn",
      "@typescript-eslint/no-unsafe-assignment": "warn",
      "@typescript-eslint/no-unsafe-call": "warn",
      "@typescript-eslint/no-unsafe-return": "warn",
      "@typescript-eslint/no-unsafe-argument": "warn",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    // A user allocator module documents the whole interface, parameters it does not need included.
    rules: { "no-unused-vars": ["error", { args: "none" }] },
  },
);

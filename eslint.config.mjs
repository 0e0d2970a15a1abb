// ESLint for the PWA (pwa/): plain ES modules run by the browser as written (no build step).
// `make lint` runs it (npm ci from package-lock.json, then eslint); see the Makefile for when
// node is missing.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["pwa/vendor/**", "node_modules/**", "bench/**", "tests/**", ".venv/**", "var/**"] },
  js.configs.recommended,
  {
    files: ["pwa/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none", ignoreRestSiblings: true }],
      "no-var": "error",
      "prefer-const": ["error", { destructuring: "all" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-implicit-globals": "error",
      "no-shadow-restricted-names": "error",
      "no-self-compare": "error",
      "no-unmodified-loop-condition": "error",
      "no-unreachable-loop": "error",
      "no-use-before-define": ["error", { functions: false, classes: true, variables: false }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // The service worker is a classic script (registered without type: "module"): its top
    // level is the worker's own scope, not a page's shared global one.
    files: ["pwa/sw.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.serviceworker } },
    rules: { "no-implicit-globals": "off" },
  },
];

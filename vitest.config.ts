import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["dist/**", "node_modules/**"],
    testTimeout: 60_000,
    // CLI tests and exploration workers run dist/: compile it first when a source file is newer.
    globalSetup: ["test/support/fresh-dist.ts"],
  },
});

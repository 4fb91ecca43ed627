import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["dist/**", "node_modules/**"],
    testTimeout: 60_000,
    // Two files at a time: vitest's default on a 2-core machine is one, and most CLI, exploration and
    // e2e test files spend their time waiting on child processes they spawned.
    maxWorkers: 2,
    // CLI tests and exploration workers run dist/: compile it first when a source file is newer.
    globalSetup: ["test/support/fresh-dist.ts"],
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // End-to-end files start real proxies and Python installs; on a
    // two-core machine they are faster one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 900_000,
    reporters: ["default"],
  },
});

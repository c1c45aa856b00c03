import { defineConfig } from 'vitest/config';

// test/unit needs no root. test/netns builds network namespaces on the one shared kernel of a
// 2-core machine: files run one at a time, and every hook and test has a bounded time.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/netns/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    reporters: ['default', './test/summaryReporter.ts'],
  },
});

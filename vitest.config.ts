import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // Dawn is a native addon: separate processes keep one test file's device from another's.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

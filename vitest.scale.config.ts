import { defineConfig } from 'vitest/config';

/** `npm run test:scale`: several edge node processes, nginx and Prometheus on loopback ports; one file at a time. */
export default defineConfig({
  test: {
    include: ['tests/scale/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});

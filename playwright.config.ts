import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium';

// AURA_E2E_PORT lets several runs (developers working side by side) each start their own server.
const PORT = Number(process.env.AURA_E2E_PORT ?? 5174);

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // Two cores run SwiftShader: more workers only make each test slower.
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `AURA_E2E=1 npx vite --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://localhost:${PORT}/tests/e2e/harness.html`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});

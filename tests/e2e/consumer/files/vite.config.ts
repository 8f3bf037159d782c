import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// A consumer's Vite config: two pages, nothing about aura-webgpu.
export default defineConfig({
  build: { rollupOptions: { input: { index: resolve(import.meta.dirname, 'index.html'), checks: resolve(import.meta.dirname, 'checks.html') } } },
});

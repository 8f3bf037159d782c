import { defineConfig } from 'vite';
import { resolve } from 'node:path';

/**
 * `vite` serves the web app (index.html) and the e2e harness; `vite build` builds the app into
 * dist/app; `vite build --mode lib` builds the ES module library into dist/lib (types: tsconfig.lib.json).
 */
export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist/lib',
        emptyOutDir: true,
        sourcemap: true,
        lib: { entry: resolve(import.meta.dirname, 'src/index.ts'), formats: ['es'], fileName: 'index' },
        rollupOptions: { external: [/^node:/, 'webgpu', 'onnxruntime-web', /^onnxruntime-web\//, 'comlink', 'idb-keyval', 'ws'] },
      },
    };
  }
  return {
    // Tests run against the dev server: no hot reload (a file saved mid-test must not reload the page),
    // and every browser dependency pre-bundled up front (a dependency found late reloads the page).
    server: { fs: { allow: ['.'] }, hmr: process.env.AURA_E2E ? false : undefined, watch: process.env.AURA_E2E ? null : undefined },
    optimizeDeps: {
      include: ['comlink', 'idb-keyval', 'idb', 'uplot', '@huggingface/tokenizers', '@noble/hashes/sha2.js', '@noble/hashes/utils.js', 'onnxruntime-web/webgpu'],
    },
    worker: { format: 'es' },
    build: { outDir: 'dist/app', emptyOutDir: true, target: 'es2022' },
  };
});

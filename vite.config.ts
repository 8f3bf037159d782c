import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The app build serves onnxruntime-web's WebGPU-build runtime (.mjs + .wasm) from /ort/: ORT loads
 * them at run time by URL, so the bundler never sees them. The dev server serves them from node_modules.
 */
function ortRuntimeFiles(): Plugin {
  const files = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
  return {
    name: 'aura-ort-runtime-files',
    apply: 'build',
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(resolve(import.meta.dirname, 'node_modules/onnxruntime-web/dist', file)) });
      }
    },
  };
}

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
    plugins: [ortRuntimeFiles()],
    build: { outDir: 'dist/app', emptyOutDir: true, target: 'es2022' },
  };
});

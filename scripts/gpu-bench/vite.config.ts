import { defineConfig } from 'vite';

/**
 * Builds scripts/gpu-bench/entry.ts into one ES module for plain Node (no Vite at run time): the shaders
 * are inlined by import.meta.glob; Dawn (a native addon) and onnxruntime-web (it finds its .wasm beside
 * its own module) stay imports, resolved from the package's node_modules.
 */
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: 'scripts/gpu-bench/entry.ts',
    outDir: '.gpu-bench/build',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'bench.mjs', codeSplitting: false } },
  },
  ssr: { noExternal: true, external: ['webgpu', 'onnxruntime-web', '@huggingface/transformers'] },
});

import MagicString from 'magic-string';
import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ISOLATION_HEADERS } from './src/core/isolation';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies?: Record<string, string> };
/** Every dependency stays an import in dist/lib, so the consumer's bundler resolves and dedupes it. */
const external = [/^node:/, ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/|$)`))];

/**
 * The library leaves every `new URL('…', import.meta.url)` (the worker, the packaged models) as it is,
 * for the consumer's bundler to rewrite, as onnxruntime-web does: bundling them here would inline the
 * files as base64 (lib mode inlines assets) and fix the worker at an absolute /assets/ path. The worker
 * is built as its own entry, dist/lib/aura.worker.js, beside the chunk that refers to it.
 */
function leaveImportMetaUrls(): Plugin {
  return {
    name: 'aura-lib-leave-import-meta-urls',
    enforce: 'pre',
    configResolved(config) {
      const plugins = config.plugins as Plugin[];
      for (const name of ['vite:worker-import-meta-url', 'vite:asset-import-meta-url']) {
        const at = plugins.findIndex((p) => p.name === name);
        if (at < 0) throw new Error(`vite.config.ts: no plugin ${name} to leave out of the library build (Vite changed?)`);
        plugins.splice(at, 1);
      }
    },
    transform(code, id) {
      if (!id.endsWith('/src/worker/create-aura-worker.ts')) return null;
      const from = "new URL('./aura.worker.ts', import.meta.url)";
      if (!code.includes(from)) throw new Error(`vite.config.ts: ${id} no longer has ${from}`);
      const s = new MagicString(code);
      s.replace(from, "new URL('./aura.worker.js', import.meta.url)");
      return { code: s.toString(), map: s.generateMap({ hires: true }) };
    },
  };
}

/**
 * `vite` serves the web app (index.html) and the e2e harness; `vite build` builds the app into
 * dist/app; `vite build --mode lib` builds the ES module library into dist/lib (types: tsconfig.lib.json,
 * then scripts/finish-types.ts).
 */
export default defineConfig(({ mode, command }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      plugins: [leaveImportMetaUrls()],
      build: {
        outDir: 'dist/lib',
        emptyOutDir: true,
        sourcemap: true,
        // Readable output; the consumer's bundler minifies. Error names are string fields (src/errors.ts).
        minify: false,
        target: 'es2022',
        lib: { entry: { index: resolve(import.meta.dirname, 'src/index.ts'), 'aura.worker': resolve(import.meta.dirname, 'src/worker/aura.worker.ts') }, formats: ['es'] },
        rollupOptions: {
          external: [...external, 'webgpu'],
          // Every chunk at the top of dist/lib, so './aura.worker.js' and '../../public/models/' are right from each.
          output: { entryFileNames: '[name].js', chunkFileNames: 'aura-[hash].js' },
        },
      },
    };
  }
  return {
    // The dev server serves public/ (the e2e tests fetch fixtures such as /models/aura-bert-tiny/ there);
    // the app build copies only the model files the code names (src/models/packaged.ts), the int8 weights
    // and not the f32 ones or the test fixtures.
    publicDir: command === 'build' ? false : 'public',
    // Tests run against the dev server: no hot reload (a file saved mid-test must not reload the page),
    // and every browser dependency pre-bundled up front (a dependency found late reloads the page).
    // onnxruntime-web is served as it is, so it finds its .wasm beside its module (as in a build).
    // Pages are cross-origin isolated (COOP + COEP), so the WASM EP runs on every core (src/core/isolation.ts).
    server: { fs: { allow: ['.'] }, hmr: process.env.AURA_E2E ? false : undefined, watch: process.env.AURA_E2E ? null : undefined, headers: { ...ISOLATION_HEADERS } },
    preview: { headers: { ...ISOLATION_HEADERS } },
    optimizeDeps: {
      include: ['comlink', 'idb-keyval', 'idb', 'uplot', '@huggingface/tokenizers', '@noble/hashes/sha2.js', '@noble/hashes/utils.js'],
      exclude: ['onnxruntime-web'],
    },
    worker: { format: 'es' },
    build: { outDir: 'dist/app', emptyOutDir: true, target: 'es2022' },
  };
});

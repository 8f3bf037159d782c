import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir`, with its size. */
export function filesUnder(dir: string): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else out.push({ path, bytes: stat.size });
    }
  };
  walk(dir);
  return out;
}

// "\0asm" and version 1 (a WebAssembly binary's first 8 bytes) in base64, as it starts an inlined module or a data: URL.
const INLINED_WASM = /AGFzbQEAAAA|data:application\/wasm/;
const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

/** Files under `dir` that inline a WebAssembly binary (base64 or a data: URL), or are one without saying so. */
export function filesInliningWasm(dir: string): string[] {
  return filesUnder(dir)
    .filter(({ path }) => {
      const bytes = readFileSync(path);
      if (path.endsWith('.wasm')) return false;
      if (bytes.subarray(0, 4).equals(WASM_MAGIC)) return true;
      return INLINED_WASM.test(bytes.toString('latin1'));
    })
    .map(({ path }) => relative(dir, path));
}

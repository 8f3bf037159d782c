import { InvalidInputError } from '../errors';

/**
 * The one WGSL loader. Under Vite (the app, the library build, vitest, vite-node) the shaders are
 * bundled as text by `import.meta.glob(..., '?raw')`; in plain Node, where that call does not exist,
 * they are read from shaders/wgsl/ with fs.
 *
 * Preludes: WGSL has no `#include`, so code that many shaders share lives in shaders/wgsl/lib/<name>.wgsl
 * and a shader asks for it on its FIRST line:
 *
 *     // uses: dispatch
 *     // uses: dispatch, pcg
 *
 * The loader appends each named prelude once, after the shader's own text. WGSL resolves module-scope
 * names in any order, and directives (`enable`, `requires`, `diagnostic`) must open the module, so this
 * keeps a shader's own directives first, lets a caller still put `enable subgroups;\n` in front of the
 * loaded text, and keeps the line numbers of compile errors equal to those of the shader's file.
 * A prelude therefore holds no directives and asks for no other prelude. Preludes sit in a subfolder the
 * shader glob does not reach, so none is ever loaded as a shader of its own. Two loaded shaders that ask
 * for the same prelude must not be joined into one module (the prelude would be declared twice).
 * Pipeline cache keys are unchanged: a shader name still stands for exactly one source.
 */
let bundledShaders: Record<string, string> | null;
let bundledPreludes: Record<string, string> | null;
try {
  bundledShaders = import.meta.glob('../../shaders/wgsl/*.wgsl', { query: '?raw', import: 'default', eager: true });
  bundledPreludes = import.meta.glob('../../shaders/wgsl/lib/*.wgsl', { query: '?raw', import: 'default', eager: true });
} catch {
  bundledShaders = null;
  bundledPreludes = null;
}

const SHADER_DIR = '../../shaders/wgsl/';
const PRELUDE_DIR = '../../shaders/wgsl/lib/';
/** A shader or prelude name: a file name without folder or extension. */
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const USES = /^\/\/ uses:(.*)$/;
const DIRECTIVE = /^\s*(enable|requires|diagnostic)\b/m;

const cache = new Map<string, string>();

/** Returns the source of shaders/wgsl/<name>.wgsl, with the preludes its first line asks for appended. */
export function loadWgsl(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  requireName(name, 'shader');
  const source = bundledShaders ? bundledShaders[`${SHADER_DIR}${name}.wgsl`] : readFromDisk(`${SHADER_DIR}${name}.wgsl`);
  if (source === undefined) {
    throw new InvalidInputError(`no shader named '${name}'`, `add shaders/wgsl/${name}.wgsl or fix the name`);
  }
  const code = withPreludes(name, source, loadPrelude);
  cache.set(name, code);
  return code;
}

/**
 * `source` with the preludes named on its first line (`// uses: a, b`) appended once each, in the
 * order named; a source without that line is returned unchanged. `prelude(name)` gives a prelude's text,
 * or undefined when there is none of that name.
 */
export function withPreludes(shader: string, source: string, prelude: (name: string) => string | undefined): string {
  const names = preludeNames(shader, source);
  if (names.length === 0) return source;
  const parts = names.map((name) => {
    const text = prelude(name);
    if (text === undefined) {
      throw new InvalidInputError(
        `shader '${shader}' asks for prelude '${name}', which does not exist`,
        `add shaders/wgsl/lib/${name}.wgsl or fix the name on the shader's '// uses:' line`,
      );
    }
    if (DIRECTIVE.test(text) || USES.test(text.split('\n', 1)[0])) {
      throw new InvalidInputError(
        `prelude '${name}' holds a directive or asks for another prelude`,
        "move the directive (enable/requires/diagnostic) or the '// uses:' line into the shaders that need it",
      );
    }
    return `// ---- prelude '${name}' (shaders/wgsl/lib/${name}.wgsl), appended by loadWgsl ----\n${text}`;
  });
  const body = source.endsWith('\n') ? source : `${source}\n`;
  return [body, ...parts].join('\n');
}

/** The prelude names on a source's `// uses:` first line, without repeats. */
function preludeNames(shader: string, source: string): string[] {
  const match = USES.exec(source.split('\n', 1)[0].trimEnd());
  if (!match) return [];
  const names = match[1].split(',').map((n) => n.trim());
  for (const name of names) requireName(name, `prelude on the first line of shader '${shader}'`);
  return [...new Set(names)];
}

/**
 * Preludes generated from TS declarations (constants and enum codes declared once in TS, emitted as
 * WGSL `const`s): `// uses: constants` finds them as it finds a file in shaders/wgsl/lib/.
 */
const generatedPreludes = new Map<string, string>();

/** Registers a prelude made in TS. A name is defined once (a second, different text is refused). */
export function defineGeneratedPrelude(name: string, text: string): void {
  requireName(name, 'generated prelude');
  const known = generatedPreludes.get(name);
  if (known !== undefined && known !== text) {
    throw new InvalidInputError(`generated prelude '${name}' is already defined with another text`, 'declare each prelude once, in one module');
  }
  generatedPreludes.set(name, text);
}

/** `const NAME: u32 = 7u;` lines for u32 values (a name is UPPER_SNAKE: WGSL and TS spell it alike). */
export function wgslU32Constants(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name) || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new InvalidInputError(`constant ${name} = ${value} is not an UPPER_SNAKE name with a u32 value`, 'declare u32 constants only');
      }
      return `const ${name}: u32 = ${value}u;`;
    })
    .join('\n');
}

function loadPrelude(name: string): string | undefined {
  const generated = generatedPreludes.get(name);
  if (generated !== undefined) return generated;
  return bundledPreludes ? bundledPreludes[`${PRELUDE_DIR}${name}.wgsl`] : readFromDisk(`${PRELUDE_DIR}${name}.wgsl`);
}

function requireName(name: string, what: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidInputError(
      `${what} name '${String(name)}' is not a file name`,
      "use the file's name without folder or extension: lower-case letters, digits and '-'",
    );
  }
}

function readFromDisk(relative: string): string | undefined {
  const req = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const fs = req?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs) return undefined;
  const url = new URL(relative, import.meta.url);
  return fs.existsSync(url) ? fs.readFileSync(url, 'utf8') : undefined;
}

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { loadWgsl, withPreludes } from '../../../src/gpu/wgsl';
import { withGpu } from '../../helpers/gpu';
import { GATING_MODE, MEMORY_METRIC, NO_INDEX, SNN_COUNTER, SNN_ENCODING, WGSL_CONSTANTS_PRELUDE } from '../../../src/kernels/wgsl-constants';

const shaderDir = new URL('../../../shaders/wgsl/', import.meta.url);
const onDisk = (relative: string) => readFileSync(new URL(relative, shaderDir), 'utf8');
const shaderNames = readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -'.wgsl'.length));
const count = (text: string, part: string) => text.split(part).length - 1;

const preludes: Record<string, string> = { one: 'fn one() -> u32 { return 1u; }\n', two: 'fn two() -> u32 { return 2u; }\n' };
const lookup = (name: string) => preludes[name];

describe('withPreludes appends what the first line asks for', () => {
  it('leaves a source without the marker unchanged', () => {
    const source = '// a shader\n@compute @workgroup_size(1) fn main() {}\n';
    expect(withPreludes('plain', source, lookup)).toBe(source);
    // The marker counts only on the first line.
    const late = '// a shader\n// uses: one\nfn main() {}\n';
    expect(withPreludes('late', late, lookup)).toBe(late);
  });

  it('appends each named prelude once, in order, after the whole source', () => {
    const source = '// uses: two, one, two\nfn main() { let x = one() + two(); }';
    const code = withPreludes('s', source, lookup);
    expect(code.startsWith(`${source}\n`)).toBe(true);
    expect(count(code, preludes.one)).toBe(1);
    expect(count(code, preludes.two)).toBe(1);
    expect(code.indexOf(preludes.two)).toBeLessThan(code.indexOf(preludes.one));
  });

  it('keeps the enable directive first: the prelude comes after the shader', () => {
    const source = '// uses: one\nenable f16;\nfn main() {}\n';
    const code = withPreludes('s', source, lookup);
    const firstCode = code.split('\n').find((line) => line.trim() !== '' && !line.startsWith('//'));
    expect(firstCode).toBe('enable f16;');
    expect(code.indexOf('enable f16;')).toBeLessThan(code.indexOf(preludes.one));
  });

  it('names an unknown or malformed prelude with a typed error', () => {
    expect(() => withPreludes('s', '// uses: three\n', lookup)).toThrow(InvalidInputError);
    expect(() => withPreludes('s', '// uses: three\n', lookup)).toThrow(/prelude 'three'/);
    expect(() => withPreludes('s', '// uses: One Two\n', lookup)).toThrow(InvalidInputError);
    expect(() => withPreludes('s', '// uses:\n', lookup)).toThrow(InvalidInputError);
  });

  it('refuses a prelude that holds a directive or asks for another prelude', () => {
    expect(() => withPreludes('s', '// uses: bad\n', () => 'enable f16;\nfn f() {}\n')).toThrow(InvalidInputError);
    expect(() => withPreludes('s', '// uses: bad\n', () => '// uses: one\nfn f() {}\n')).toThrow(InvalidInputError);
  });
});

describe('loadWgsl with the real preludes', () => {
  it('returns a shader without the marker exactly as its file', () => {
    for (const name of ['gating-loss', 'lnn-rls']) {
      expect(onDisk(`${name}.wgsl`).startsWith('// uses:')).toBe(false);
      expect(loadWgsl(name)).toBe(onDisk(`${name}.wgsl`));
    }
  });

  it('appends the dispatch prelude once to a shader that asks for it, the file first', () => {
    const code = loadWgsl('scale');
    expect(code.startsWith(onDisk('scale.wgsl'))).toBe(true);
    expect(count(code, 'fn folded_index(')).toBe(1);
    expect(count(code, 'fn folded_group(')).toBe(1);
    expect(loadWgsl('scale')).toBe(code);
    const noise = loadWgsl('gating-noise');
    expect(count(noise, 'fn folded_index(')).toBe(1);
    expect(count(noise, 'fn pcg_hash(')).toBe(1);
  });

  it('does not load a prelude as a shader, nor a name with a folder', () => {
    expect(() => loadWgsl('dispatch')).toThrow(InvalidInputError);
    expect(() => loadWgsl('lib/dispatch')).toThrow(InvalidInputError);
    expect(() => loadWgsl('../wgsl/scale')).toThrow(InvalidInputError);
    expect(() => loadWgsl('no-such-shader')).toThrow(/no shader named/);
  });

  it('leaves no shader spelling out the folded index itself', () => {
    for (const name of shaderNames) {
      const source = onDisk(`${name}.wgsl`);
      expect(source, name).not.toMatch(/wid\.x \+ wid\.y \* nwg\.x/);
      if (/folded_(index|group)\(/.test(source)) expect(source.split('\n', 1)[0], name).toMatch(/^\/\/ uses: .*dispatch/);
    }
  });

  it('compiles gating-select with each reduction, the subgroup one behind `enable subgroups;`', () =>
    withGpu(async (ctx) => {
      const variants = ctx.hasSubgroups ? (['workgroup', 'subgroup'] as const) : (['workgroup'] as const);
      for (const reduction of variants) {
        const code = loadWgsl(`gating-select-${reduction}`);
        const module = ctx.device.createShaderModule({ label: `wgsl-test-${reduction}`, code });
        const info = await module.getCompilationInfo();
        expect(info.messages.filter((m) => m.type === 'error').map((m) => m.message)).toEqual([]);
      }
    }));

  it('compiles every shader with the preludes it asks for', () =>
    withGpu(async (ctx) => {
      for (const name of shaderNames) {
        if (name.endsWith('-subgroup') && !ctx.hasSubgroups) continue;
        const module = ctx.device.createShaderModule({ label: `wgsl-test-${name}`, code: loadWgsl(name) });
        const info = await module.getCompilationInfo();
        expect(info.messages.filter((m) => m.type === 'error').map((m) => m.message), name).toEqual([]);
      }
    }));
});

describe('constants declared once in TS', () => {
  it('the generated prelude holds each code as TS declares it', () => {
    expect(WGSL_CONSTANTS_PRELUDE).toContain(`const NO_INDEX: u32 = ${NO_INDEX}u;`);
    expect(WGSL_CONSTANTS_PRELUDE).toContain(`const SNN_COUNTER_NEURON_SPIKES: u32 = ${SNN_COUNTER.neuronSpikes}u;`);
    expect(WGSL_CONSTANTS_PRELUDE).toContain(`const SNN_ENCODING_RECORDED_SPIKES: u32 = ${SNN_ENCODING['recorded-spikes']}u;`);
    expect(WGSL_CONSTANTS_PRELUDE).toContain(`const GATING_MODE_NO_RENORMALIZE: u32 = ${GATING_MODE.noRenormalize}u;`);
    expect(WGSL_CONSTANTS_PRELUDE).toContain(`const MEMORY_METRIC_L2: u32 = ${MEMORY_METRIC.l2}u;`);
    expect(loadWgsl('router-logits')).toContain(WGSL_CONSTANTS_PRELUDE.trim());
  });

  it('no shader or prelude file declares a constant the generated prelude holds, nor the sentinel', () => {
    const declared = [...WGSL_CONSTANTS_PRELUDE.matchAll(/const (\w+):/g)].map((m) => m[1]);
    const files = [...shaderNames.map((n) => `${n}.wgsl`), ...readdirSync(new URL('lib/', shaderDir)).map((f) => `lib/${f}`)];
    for (const file of files) {
      const source = onDisk(file);
      for (const name of declared) expect(source, file).not.toMatch(new RegExp(`const ${name}\\b`));
      expect(source, file).not.toMatch(/const \w+: u32 = 0xffffffffu/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { GpuValidationError } from '../../../src/errors';
import { STORAGE } from '../../../src/gpu/buffers';
import { declareKernel, kernelPipeline, type Kernel } from '../../../src/gpu/kernel';
import { loadWgsl } from '../../../src/gpu/wgsl';
import { declaredStep } from '../../../src/kernels/declared-step';
import { LNN_LTC_KERNEL } from '../../../src/kernels/lnn-ltc';
import { LNN_RLS_KERNEL } from '../../../src/kernels/lnn-rls';
import { SERIES_SHAPE_KERNEL } from '../../../src/kernels/series-shape';
import { SNN_COUNT_KERNEL, SNN_TICK_KERNEL } from '../../../src/kernels/snn-counters';
import { SNN_ENCODE_KERNEL } from '../../../src/kernels/snn-encode';
import { SNN_INPUT_CHECK_KERNEL } from '../../../src/kernels/snn-input-check';
import { SNN_ADAPT_KERNEL, SNN_LIF_KERNEL } from '../../../src/kernels/snn-lif';
import { SNN_STDP_APPLY_KERNEL, SNN_STDP_ELIG_KERNEL, SNN_STDP_TRACE_KERNEL } from '../../../src/kernels/snn-stdp';
import { SNN_COMPACT_KERNEL, SNN_SYNAPSE_DENSE_KERNEL, SNN_SYNAPSE_EVENT_KERNEL } from '../../../src/kernels/snn-synapse';
import { withGpu } from '../../helpers/gpu';

const declared: Kernel[] = [
  SERIES_SHAPE_KERNEL, SNN_TICK_KERNEL, SNN_COUNT_KERNEL, SNN_ENCODE_KERNEL, SNN_INPUT_CHECK_KERNEL, SNN_LIF_KERNEL, SNN_ADAPT_KERNEL,
  SNN_STDP_ELIG_KERNEL, SNN_STDP_TRACE_KERNEL, SNN_STDP_APPLY_KERNEL, SNN_COMPACT_KERNEL, SNN_SYNAPSE_DENSE_KERNEL, SNN_SYNAPSE_EVENT_KERNEL,
  LNN_LTC_KERNEL, LNN_RLS_KERNEL,
];

/** The @binding(n) numbers of group 0 in a kernel's WGSL (its includes added). */
function wgslBindings(shader: string): number[] {
  return [...loadWgsl(shader).matchAll(/@group\(0\)\s*@binding\((\d+)\)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

describe('declared kernels match their WGSL', () => {
  for (const kernel of declared) {
    it(`${kernel.shader}: uniform fields (checked when its pipeline is built) and one binding per declared buffer`, () =>
      withGpu(async (ctx) => {
        expect(kernelPipeline(ctx.device, kernel)).toBeDefined();
        const hasUniforms = Object.keys(kernel.uniforms).length > 0;
        const want = Array.from({ length: kernel.bindings.length + (hasUniforms ? 1 : 0) }, (_, i) => i);
        expect(wgslBindings(kernel.shader)).toEqual(want);
      }));
  }

  it('a declaration whose fields are out of the struct\'s order is refused with a typed error', () =>
    withGpu(async (ctx) => {
      const swapped = declareKernel({ ...SNN_COUNT_KERNEL, uniforms: { width: 'u32', count: 'u32', offset: 'u32', slot: 'u32' } });
      expect(() => kernelPipeline(ctx.device, swapped)).toThrow(GpuValidationError);
      const retyped = declareKernel({ ...SNN_INPUT_CHECK_KERNEL, uniforms: { count: 'u32', direct: 'u32', maxDirect: 'u32' } });
      expect(() => kernelPipeline(ctx.device, retyped)).toThrow(/maxDirect: f32/);
    }));
});

describe('declaredStep', () => {
  it('binds its own uniform block first, then the buffers in the declared order, and refuses a missing field', () =>
    withGpu(async (ctx) => {
      const { device } = ctx;
      const names = SNN_COMPACT_KERNEL.bindings;
      const buffers = Object.fromEntries(names.map((name) => [name, device.createBuffer({ size: 16, usage: STORAGE, label: name })])) as Record<(typeof names)[number], GPUBuffer>;
      try {
        const { step, uniforms } = declaredStep(device, { kernel: SNN_COMPACT_KERNEL, uniforms: { batch: 1, width: 4, xOffset: 0 }, buffers, workgroups: [1, 1, 1] });
        expect(uniforms.size).toBe(SNN_COMPACT_KERNEL.uniformBytes);
        expect(step.buffers).toEqual([uniforms, buffers.x, buffers.list, buffers.listCount]);
        expect(step.workgroups).toEqual([1, 1, 1]);
        uniforms.destroy();
        expect(() => declaredStep(device, { kernel: SNN_COMPACT_KERNEL, uniforms: { batch: 1, width: 4 } as never, buffers, workgroups: [1, 1, 1] })).toThrow(/no uniform 'xOffset'/);
      } finally {
        for (const b of Object.values(buffers)) b.destroy();
      }
    }));
});

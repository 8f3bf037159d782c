import { GpuValidationError } from '../errors';
import { UNIFORM } from './buffers';
import { runCompute, type BufferCopy, type ComputeStep } from './compute';
import type { GpuContext } from './device';
import { dispatchFor, type Workgroups } from './dispatch';
import { getPipeline } from './pipeline-cache';
import type { GpuTiming } from './timing';
import { loadWgsl } from './wgsl';

/** A uniform field's WGSL type: every kernel's uniforms are 32-bit scalars. */
export type UniformType = 'u32' | 'i32' | 'f32';

/**
 * A kernel as a declaration (as onnxruntime-web's ProgramInfo): its WGSL file, entry point, override
 * constants, the uniform struct at @binding(0) by field name and type (in the struct's order; checked
 * against the WGSL once), and the names of the buffers at @binding(1..n).
 */
export interface KernelDeclaration<U extends Record<string, UniformType> = Record<string, UniformType>, B extends string = string> {
  shader: string;
  entryPoint?: string;
  constants?: Record<string, number>;
  /** Elements per workgroup, for `elements` → workgroups (usually the WORKGROUP_SIZE constant). */
  workgroupSize: number;
  uniforms: U;
  bindings: readonly B[];
}

export interface Kernel<U extends Record<string, UniformType> = Record<string, UniformType>, B extends string = string> extends KernelDeclaration<U, B> {
  /** Bytes of the uniform block (16-byte aligned, as WGSL lays out a struct of scalars). */
  readonly uniformBytes: number;
}

/** One run of a kernel: uniforms by field name, buffers by binding name, and its size. */
export interface KernelRun<U extends Record<string, UniformType> = Record<string, UniformType>, B extends string = string> {
  kernel: Kernel<U, B>;
  uniforms: { [K in keyof U]: number };
  buffers: { [K in B]: GPUBuffer };
  /** Items to cover, one invocation each (folded to the device's dispatch limit)... */
  elements?: number;
  /** ...or the workgroups, given. */
  workgroups?: Workgroups;
  /** Override constants of this run over the declaration's (a tuned workgroup size); a pipeline per set. */
  constants?: Record<string, number>;
}

export function declareKernel<U extends Record<string, UniformType>, B extends string>(declaration: KernelDeclaration<U, B>): Kernel<U, B> {
  const fields = Object.keys(declaration.uniforms).length;
  return Object.freeze({ ...declaration, uniformBytes: Math.max(16, Math.ceil((fields * 4) / 16) * 16) });
}

/** The kernel's pipeline on `device` (cached per device; its uniform layout checked against the WGSL once). */
export function kernelPipeline(device: GPUDevice, kernel: Kernel, constants?: Record<string, number>): GPUComputePipeline {
  const code = loadWgsl(kernel.shader);
  checkUniformLayout(kernel, code);
  return getPipeline(device, { shader: kernel.shader, code, entryPoint: kernel.entryPoint, constants: constants ? { ...kernel.constants, ...constants } : kernel.constants });
}

/** Packs a run's uniforms by field name into the struct's bytes. */
export function packUniforms(kernel: Kernel, values: Record<string, number>): ArrayBuffer {
  const bytes = new ArrayBuffer(kernel.uniformBytes);
  const view = new DataView(bytes);
  Object.entries(kernel.uniforms).forEach(([name, type], i) => {
    const value = values[name];
    if (typeof value !== 'number') throw new GpuValidationError(`kernel '${kernel.shader}' was given no uniform '${name}'`, 'set every field of the kernel\'s uniform layout');
    if (type === 'u32') view.setUint32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return bytes;
}

/**
 * A uniform buffer of the kernel's layout, filled by field name, for a caller that composes steps
 * itself and destroys the buffer after its submission (the kernels not yet run by dispatch()).
 */
export function uniformBlock(device: GPUDevice, kernel: Kernel, values: Record<string, number>): GPUBuffer {
  const bytes = packUniforms(kernel, values); // first: a missing field throws before a buffer exists
  const block = device.createBuffer({ size: kernel.uniformBytes, usage: UNIFORM, label: `${kernel.shader} uniforms` });
  device.queue.writeBuffer(block, 0, bytes);
  return block;
}

/**
 * Encodes a run as a ComputeStep. Its uniform block comes from the device's pool (a ring of reused
 * uniform buffers) and is pushed on `uniformBlocks`; give them back with `pool.releaseAfterSubmit`.
 */
export function kernelStep(ctx: GpuContext, run: KernelRun, uniformBlocks: GPUBuffer[]): ComputeStep {
  const { device, pool } = ctx;
  const { kernel } = run;
  const block = pool.acquire(kernel.uniformBytes, UNIFORM, `${kernel.shader} uniforms`);
  uniformBlocks.push(block);
  device.queue.writeBuffer(block, 0, packUniforms(kernel, run.uniforms));
  const workgroups = run.workgroups ?? dispatchFor(device, run.elements ?? 0, kernel.workgroupSize);
  return { pipeline: kernelPipeline(device, kernel, run.constants), buffers: [block, ...kernel.bindings.map((name) => run.buffers[name as keyof typeof run.buffers])], workgroups };
}

/**
 * The one way a kernel runs: each run a pass of one submission, in order; pipelines and bind groups
 * cached, uniforms from the pool's ring, GPU errors raised (DeviceLostError where the device was lost).
 */
export async function dispatch(ctx: GpuContext, runs: KernelRun | KernelRun[], options: { timing?: boolean; copiesFirst?: BufferCopy[]; before?: ComputeStep[] } = {}): Promise<GpuTiming> {
  const blocks: GPUBuffer[] = [];
  const pool = ctx.pool;
  try {
    const steps = [...(options.before ?? []), ...(Array.isArray(runs) ? runs : [runs]).map((run) => kernelStep(ctx, run as KernelRun, blocks))];
    return await runCompute(ctx.device, steps, { timing: options.timing, copiesFirst: options.copiesFirst });
  } finally {
    void pool.releaseAfterSubmit(...blocks);
  }
}

const checked = new WeakSet<Kernel>();
const STRUCT_FIELD = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z0-9_<>]+)\s*,?\s*(\/\/.*)?$/;

/** The declared uniform fields must be the WGSL struct's fields at @binding(0), in order and type. */
function checkUniformLayout(kernel: Kernel, code: string): void {
  if (checked.has(kernel)) return;
  const binding = /@binding\(0\)\s*var<uniform>\s*\w+\s*:\s*(\w+)\s*;/.exec(code);
  const declared = Object.entries(kernel.uniforms).map(([n, t]) => `${n}: ${t}`);
  const struct = binding && new RegExp(`struct\\s+${binding[1]}\\s*\\{([^}]*)\\}`).exec(code);
  const found = struct ? struct[1].split('\n').map((line) => STRUCT_FIELD.exec(line)).filter((m) => m !== null).map((m) => `${m[1]}: ${m[2]}`) : [];
  if (found.join(', ') !== declared.join(', ')) {
    throw new GpuValidationError(
      `kernel '${kernel.shader}' declares uniforms { ${declared.join(', ')} } but its WGSL struct holds { ${found.join(', ')} }`,
      'declare the uniform fields in the order and types of the struct at @binding(0)',
    );
  }
  checked.add(kernel);
}

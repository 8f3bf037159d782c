import { STORAGE, bufferFrom, checkBindingSize, readFloat32 } from '../../gpu/buffers';
import { runCompute, type ComputeStep } from '../../gpu/compute';
import { contextOf, type GpuContext } from '../../gpu/device';
import type { GpuTiming } from '../../gpu/timing';
import { cfcSequenceStep, cfcShapeUniform, packCfcModel, type PackedCfc } from '../../kernels/lnn-cfc';
import { ltcSequenceStep, ltcShapeUniform, packLtcModel, type PackedLtc } from '../../kernels/lnn-ltc';
import type { LnnSequenceResult } from './cfc-cpu';
import { lnnOutputWidth, lnnStateSize } from './model';
import { type LnnModel } from '../../kernels/lnn-model';

/** One encoded sequence run: the step to submit and the buffers it fills (release them after use). */
export interface LnnEncodedRun {
  steps: ComputeStep[];
  trajectory: GPUBuffer;
  output: GPUBuffer;
  release(): void;
}

/**
 * A model's parameters resident on the GPU. The readout (CfC `fc`) lives in its own buffer, laid out as
 * the FORCE state [W | P], so adaptation can swap it without touching the rest.
 */
export class LnnGpuModel {
  readonly params: GPUBuffer;
  readout: GPUBuffer;
  private readonly packedCfc?: PackedCfc;
  private readonly packedLtc?: PackedLtc;
  readonly stateSize: number;
  readonly outputWidth: number;
  readonly inputSize: number;

  /** The device the parameters live on. */
  get device(): GPUDevice {
    return this.ctx.device;
  }

  private readonly ctx: GpuContext;

  constructor(ctx: GpuContext, readonly model: LnnModel, readoutState?: Float32Array) {
    // Pinned to the device of this moment (a runtime's view moves on after a device loss; these buffers do not).
    this.ctx = contextOf(ctx.device) ?? ctx;
    const { device } = this.ctx;
    this.stateSize = lnnStateSize(model);
    this.outputWidth = lnnOutputWidth(model);
    this.inputSize = model.kind === 'ltc' ? model.sensorySize : model.inputSize;
    if (model.kind === 'cfc') {
      this.packedCfc = packCfcModel(model);
      this.params = bufferFrom(device, this.packedCfc.params, STORAGE, 'lnn-cfc params');
      this.readout = bufferFrom(device, readoutState ?? this.packedCfc.readout, STORAGE, 'lnn readout');
    } else {
      this.packedLtc = packLtcModel(model);
      this.params = bufferFrom(device, this.packedLtc.params, STORAGE, 'lnn-ltc params');
      this.readout = bufferFrom(device, new Float32Array(1), STORAGE, 'lnn readout (unused)');
    }
  }

  /** Encodes the whole sequence as one dispatch. `seq` = inputs (batch×steps×in) then timespans (batch×steps). */
  encode(state: GPUBuffer, seq: GPUBuffer, batch: number, steps: number): LnnEncodedRun {
    const { device, pool } = this.ctx;
    // The trajectory (batch × steps × state) is the largest buffer: refuse clearly before the GPU would.
    checkBindingSize(device, batch * steps * this.stateSize * 4, `LNN trajectory (${batch} × ${steps} steps × ${this.stateSize} units)`);
    const trajectory = pool.acquire(batch * steps * this.stateSize * 4, STORAGE, 'lnn trajectory');
    const output = pool.acquire(batch * steps * this.outputWidth * 4, STORAGE, 'lnn output');
    const stride = this.packedCfc ? this.packedCfc.scratchStride : this.packedLtc!.scratchStride;
    const scratch = pool.acquire(batch * stride * 4, STORAGE, 'lnn scratch');
    const uniform = this.packedCfc ? cfcShapeUniform(device, this.packedCfc, batch, steps) : ltcShapeUniform(device, this.packedLtc!, batch, steps);
    const step = this.packedCfc
      ? cfcSequenceStep(device, this.packedCfc, uniform, { params: this.params, readout: this.readout, seq, state, scratch, trajectory, output }, batch)
      : ltcSequenceStep(device, this.packedLtc!, uniform, { params: this.params, seq, state, scratch, trajectory, output }, batch);
    return {
      steps: [step],
      trajectory,
      output,
      release: () => {
        uniform.destroy();
        void pool.releaseAfterSubmit(scratch, trajectory, output);
      },
    };
  }

  destroy(): void {
    this.params.destroy();
    this.readout.destroy();
  }
}

/** Packs inputs then timespans into the one `seq` array the kernels read. */
export function lnnSeqData(inputs: Float32Array, timespans: Float32Array): Float32Array {
  const seq = new Float32Array(inputs.length + timespans.length);
  seq.set(inputs);
  seq.set(timespans, inputs.length);
  return seq;
}

/**
 * The GPU counterpart of cfcSequenceCpu / ltcSequenceCpu: uploads, runs one submission, reads back
 * output, trajectory and the final state (written into `state`).
 */
export async function lnnSequenceGpu(
  ctx: GpuContext,
  model: LnnModel,
  inputs: Float32Array,
  timespans: Float32Array,
  batch: number,
  steps: number,
  state: Float32Array,
): Promise<LnnSequenceResult & { timing: GpuTiming }> {
  const gpu = new LnnGpuModel(ctx, model);
  const seq = bufferFrom(ctx.device, lnnSeqData(inputs, timespans), STORAGE, 'lnn seq');
  const stateBuffer = bufferFrom(ctx.device, state, STORAGE, 'lnn state');
  const run = gpu.encode(stateBuffer, seq, batch, steps);
  try {
    const timing = await runCompute(ctx.device, run.steps);
    const output = await readFloat32(ctx.device, run.output, batch * steps * gpu.outputWidth);
    const trajectory = await readFloat32(ctx.device, run.trajectory, batch * steps * gpu.stateSize);
    state.set(await readFloat32(ctx.device, stateBuffer, state.length));
    return { output, trajectory, timing };
  } finally {
    run.release();
    seq.destroy();
    stateBuffer.destroy();
    gpu.destroy();
  }
}

import type { ExecutionPath } from '../core/names';
import { tensorRow, tensorValues, type CpuTensor, type Handoff, type Tensor } from '../gpu/tensor';

/**
 * One batch's tensor (e.g. the embeddings of the texts routed together) shared by the requests of
 * the batch. Each stage asks for it on its own path: it stays where it is for a stage on that path,
 * and is read back (once for the batch) for a CPU stage. The GPU buffer is destroyed once every
 * request has released it.
 */
export class SharedTensor {
  private cpu?: Promise<CpuTensor>;
  private users: number;

  constructor(readonly source: Tensor, users: number, private readonly dispose: () => void = () => {}) {
    this.users = users;
  }

  /** Row `row` on `path` (on `device` for the GPU path), and how it got there. */
  async row(row: number, path: ExecutionPath, device?: GPUDevice): Promise<{ tensor: Tensor; handoff: Handoff }> {
    const { source } = this;
    if (path === 'gpu' && source.kind === 'gpu' && source.device === device) return { tensor: tensorRow(source, row), handoff: 'gpu' };
    // A GPU stage given CPU rows uploads what it needs itself.
    const tensor = tensorRow(await this.onCpu(), row);
    return { tensor, handoff: source.kind === 'gpu' ? 'gpu→cpu' : path === 'gpu' ? 'cpu→gpu' : 'cpu' };
  }

  /** The whole tensor in CPU memory, read back once. */
  onCpu(): Promise<CpuTensor> {
    const { source } = this;
    this.cpu ??= source.kind === 'cpu' ? Promise.resolve(source) : tensorValues(source).then((data) => ({ kind: 'cpu', data, shape: source.shape }));
    return this.cpu;
  }

  release(): void {
    if (--this.users === 0) this.dispose();
  }
}

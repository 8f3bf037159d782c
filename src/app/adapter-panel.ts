import type { GpuContext } from '../gpu/device';
import type { BandwidthResult } from '../kernels/bandwidth';
import { el } from './dom';

const SHOWN_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize',
];

function term(name: string, value: string, testId?: string): HTMLElement[] {
  return [el('dt', { text: name }), el('dd', { text: value, testId })];
}

export function renderAdapter(panel: HTMLElement, ctx: Pick<GpuContext, 'adapter' | 'features' | 'limits'>): void {
  const a = ctx.adapter;
  panel.replaceChildren(
    el('h2', { text: 'Adapter' }),
    el(
      'dl',
      {},
      ...term('vendor', a.vendor || '—', 'vendor'),
      ...term('architecture', a.architecture || '—', 'architecture'),
      ...term('description', a.description || '—'),
      ...term('fallback (software)', a.isFallback ? 'yes' : 'no', 'fallback'),
    ),
    el('h3', { text: 'Features' }),
    el('p', { className: 'features', text: ctx.features.join(', '), testId: 'features' }),
    el('h3', { text: 'Limits' }),
    el('table', {}, ...SHOWN_LIMITS.map((k) => el('tr', {}, el('th', { text: k }), el('td', { text: String(ctx.limits[k] ?? '—') })))),
  );
}

export function renderBandwidth(panel: HTMLElement, result: BandwidthResult, again: () => void): void {
  const button = el('button', { text: 'Measure again' });
  button.type = 'button';
  button.addEventListener('click', again);
  const how = `(${(result.bytesPerIteration / 2 ** 20).toFixed(0)} MiB moved × ${result.iterations}, ${result.ms.toFixed(2)} ms, timed by ${
    result.timingSource === 'gpu-timestamp' ? 'GPU timestamps' : 'the CPU clock'
  })`;
  panel.replaceChildren(
    el('h2', { text: 'Bandwidth probe' }),
    el('p', {}, el('strong', { text: `${result.gbPerSecond.toFixed(2)} GB/s`, testId: 'bandwidth' }), ` ${how}`),
    button,
  );
}

export function renderError(panel: HTMLElement, message: string): void {
  panel.replaceChildren(panel.querySelector('h2') ?? '', el('p', { className: 'error', text: message }));
}

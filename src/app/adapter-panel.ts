import type { GpuContext } from '../gpu/device';
import type { BandwidthResult } from '../kernels/bandwidth';

const SHOWN_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize',
];

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderAdapter(panel: HTMLElement, ctx: Pick<GpuContext, 'adapter' | 'features' | 'limits'>): void {
  const a = ctx.adapter;
  panel.innerHTML = `<h2>Adapter</h2>
    <dl>
      <dt>vendor</dt><dd data-testid="vendor">${escape(a.vendor || '—')}</dd>
      <dt>architecture</dt><dd data-testid="architecture">${escape(a.architecture || '—')}</dd>
      <dt>description</dt><dd>${escape(a.description || '—')}</dd>
      <dt>fallback (software)</dt><dd data-testid="fallback">${a.isFallback ? 'yes' : 'no'}</dd>
    </dl>
    <h3>Features</h3><p class="features" data-testid="features">${ctx.features.map(escape).join(', ')}</p>
    <h3>Limits</h3><table>${SHOWN_LIMITS.map((k) => `<tr><th>${k}</th><td>${ctx.limits[k] ?? '—'}</td></tr>`).join('')}</table>`;
}

export function renderBandwidth(panel: HTMLElement, result: BandwidthResult, again: () => void): void {
  panel.innerHTML = `<h2>Bandwidth probe</h2>
    <p><strong data-testid="bandwidth">${result.gbPerSecond.toFixed(2)} GB/s</strong>
    (${(result.bytesPerIteration / 2 ** 20).toFixed(0)} MiB moved × ${result.iterations}, ${result.ms.toFixed(2)} ms,
    timed by ${result.timingSource === 'gpu-timestamp' ? 'GPU timestamps' : 'the CPU clock'})</p>
    <button type="button">Measure again</button>`;
  panel.querySelector('button')!.addEventListener('click', again);
}

export function renderError(panel: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = message;
  panel.replaceChildren(panel.querySelector('h2') ?? '', p);
}

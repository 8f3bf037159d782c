import { AuraError } from '../errors';
import type { BackendChoice } from '../core/plan';
import type { UnifiedResponse } from '../pipeline/response';
import { createAura, type Aura } from '../runtime/create-aura';
import { measureBandwidth } from '../kernels/bandwidth';
import { renderAdapter, renderBandwidth, renderError } from './adapter-panel';
import { el, fmt, section } from './dom';
import { LineChart } from './line-chart';
import { drawRaster } from './raster';
import { renderResponse } from './response-view';

/**
 * The web app: loads the runtime (with progress), sends requests and shows the response, the route,
 * a spike raster, the LNN's trajectory, memory tiers, consensus status, the backend plan, and
 * latency and energy over the session. `?backend=cpu|gpu|auto` forces every stage's path.
 */
async function main(): Promise<void> {
  const root = document.querySelector<HTMLElement>('#app')!;
  const loading = section('Loading', 'loading');
  const log = el('ul', { testId: 'progress' });
  loading.append(log);
  const adapterPanel = section('Adapter', 'adapter');
  const bandwidthPanel = section('Bandwidth probe', 'bandwidth');
  root.replaceChildren(el('h1', { text: 'AURA' }), el('p', { text: 'WebGPU runtime for on-device, multi-expert inference.' }), loading, adapterPanel, bandwidthPanel);

  const backend = (new URLSearchParams(location.search).get('backend') ?? 'auto') as BackendChoice;
  let aura: Aura;
  try {
    aura = await createAura({
      backend,
      onProgress: (e) => log.append(el('li', { text: `${e.stage}: ${e.message}` })),
    });
  } catch (error) {
    renderError(loading, error instanceof AuraError ? error.message : String(error));
    return;
  }
  loading.remove();
  renderAdapter(adapterPanel, aura.gpu);
  const probe = async () => renderBandwidth(bandwidthPanel, await measureBandwidth(aura.gpu, { megabytes: 16, iterations: 8 }), probe);
  void probe();
  root.append(...buildPanels(aura));
}

function buildPanels(aura: Aura): HTMLElement[] {
  const request = section('Request', 'request');
  const text = el('textarea', { testId: 'text' });
  text.rows = 3;
  text.placeholder = 'Ask something, or leave empty and give numbers below';
  const series = el('input', { testId: 'series' });
  series.placeholder = 'numbers, comma-separated (a time series or spike counts)';
  const send = el('button', { text: 'Send', testId: 'send' });
  const remember = el('button', { text: 'Remember this text', testId: 'remember' });
  const result = el('div', { testId: 'response' });
  request.append(el('p', {}, text), el('p', {}, series), el('p', {}, send, ' ', remember), result);

  const charts = section('Latency and energy', 'charts');
  const latencyHost = el('div');
  const energyHost = el('div');
  charts.append(latencyHost, energyHost);
  const latency = new LineChart(latencyHost, 'Latency per request (ms)', ['total', 'route', 'services']);
  const energy = new LineChart(energyHost, 'Energy per request (µJ)', ['total']);

  const spikes = section('Spike raster (last neuromorphic run)', 'raster');
  const canvas = el('canvas', { testId: 'raster' });
  canvas.width = 400;
  canvas.height = 128;
  spikes.append(canvas);
  const lnn = section('LNN trajectory (last series)', 'lnn');
  const trajectoryHost = el('div');
  lnn.append(trajectoryHost);
  const trajectory = new LineChart(trajectoryHost, 'Series and the LNN one-step prediction', ['series', 'prediction'], 'step');

  const status = section('Services', 'status');
  const planTable = el('table', { testId: 'plan' });
  const memoryLine = el('p', { testId: 'memory-stats' });
  const consensusLine = el('p', { testId: 'consensus-status' });
  status.append(el('h3', { text: 'Backend plan' }), planTable, el('h3', { text: 'Memory tiers' }), memoryLine, el('h3', { text: 'Consensus' }), consensusLine);
  planTable.append(
    el('tr', {}, ...['stage', 'path', 'why', 'GPU ms', 'CPU ms'].map((h) => el('th', { text: h }))),
    ...Object.entries(aura.plan.stages).map(([stage, p]) =>
      el('tr', {}, el('td', { text: stage }), el('td', { text: p.path }), el('td', { text: p.why }), el('td', { text: fmt(p.gpuMs) }), el('td', { text: fmt(p.cpuMs) })),
    ),
  );

  let count = 0;
  const refreshStatus = async () => {
    const memory = aura.services.memory;
    if (memory) {
      const s = await memory.stats();
      const reads = s.counters.l1Hits + s.counters.l2Hits + s.counters.l3Hits;
      const rate = (n: number) => (reads ? `${((100 * n) / reads).toFixed(0)}%` : '—');
      memoryLine.textContent = `${s.items} items (L1 ${s.l1.items}, L2 ${s.l2.items}, L3-only ${s.l3.onlyRemote}); reads served by L1 ${rate(s.counters.l1Hits)}, L2 ${rate(s.counters.l2Hits)}, L3 ${rate(s.counters.l3Hits)}; policy ${s.policy}`;
    } else memoryLine.textContent = 'not running (no IndexedDB here)';
    const c = aura.services.consensus?.status();
    consensusLine.textContent = c
      ? `${c.replicas} replicas (f = ${c.f}) over ${c.transport}; view ${c.view}, leader ${c.leader}, last executed ${c.lastExecuted}, checkpoint ${c.stableCheckpoint}, faults ${Object.values(c.faults).reduce((a, b) => a + b, 0)}`
      : 'not running';
  };
  void refreshStatus();

  const show = (r: UnifiedResponse, values?: number[]) => {
    renderResponse(result, r);
    count++;
    const stages = r.timings.perStage;
    const servicesMs = Math.max(0, ...r.route.selected.map((s) => stages[s.service]?.wallMs ?? 0));
    latency.push(count, [r.timings.totalMs, stages.route?.wallMs, servicesMs]);
    energy.push(count, [r.energy.totalPj / 1e6]);
    const snn = r.services.neuromorphic?.output as { raster?: { timeSteps: number; neurons: number; spikes: number[] } } | undefined;
    if (snn?.raster) drawRaster(canvas, snn.raster.spikes, snn.raster.timeSteps, snn.raster.neurons);
    const forecast = r.services.lnn?.output as { prediction?: number[] } | undefined;
    if (forecast?.prediction && values) {
      trajectory.set(values.map((_, i) => i), [values, [Number.NaN, ...forecast.prediction.slice(0, values.length - 1)]]);
    }
    void refreshStatus();
  };
  const parseSeries = (): number[] | undefined => {
    const raw = series.value.trim();
    return raw ? raw.split(/[\s,]+/).map(Number) : undefined;
  };
  send.addEventListener('click', async () => {
    send.disabled = true;
    try {
      const values = parseSeries();
      show(await aura.infer({ text: text.value.trim() || undefined, series: values }), values);
    } catch (error) {
      result.replaceChildren(el('p', { className: 'error', text: error instanceof Error ? error.message : String(error), testId: 'error' }));
    } finally {
      send.disabled = false;
    }
  });
  remember.addEventListener('click', async () => {
    const memory = aura.services.memory;
    const language = aura.services.language;
    if (!memory || !language || !text.value.trim()) return;
    const { rows, tensor } = await language.embed([text.value.trim()], { rows: true });
    tensor?.dispose();
    await memory.store({ key: text.value.trim().slice(0, 80), data: text.value.trim(), vector: rows![0] });
    void refreshStatus();
  });
  return [request, charts, spikes, lnn, status];
}

void main();

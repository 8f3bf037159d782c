import { AuraError } from '../errors';
import type { BackendChoice } from '../core/plan';
import type { AnsweredResponse } from '../runtime/answers';
import { createAura, type Aura } from '../runtime/create-aura';
import { measureBandwidth } from '../kernels/bandwidth';
import { renderAdapter, renderBandwidth, renderError } from './adapter-panel';
import { renderAnswer } from './answer-view';
import { DigitPad } from './digit-pad';
import { el, fmt, section } from './dom';
import { renderGallery, type GalleryExample } from './gallery';
import { LineChart } from './line-chart';
import { progressBar } from './progress-bar';
import { drawRaster } from './raster';
import { renderConsensus, renderMemory, type KnownNote } from './status-panels';
import { barcodeCanvas, type BarcodeDiagram } from './barcode';
import { liveEventsSection } from './live-events-panel';
import { watchRejections, type RejectionEntry } from '../services/consensus/rejections';

/**
 * The web app: the request first (a large input, examples from held-out data, a digit pad), the
 * answer in plain words above its details, then charts (LNN forecast, spike raster, latency and
 * energy), memory and consensus panels; the adapter in a collapsed panel. `?backend=cpu|gpu|auto`
 * forces every stage's path; `?events=ws://host:port` shows the edge nodes' live decisions.
 */
async function main(): Promise<void> {
  const root = document.querySelector<HTMLElement>('#app')!;
  const progress = progressBar();
  root.replaceChildren(el('h1', { text: 'AURA' }), el('p', { className: 'muted', text: 'On-device experts: spam check, digit reading, forecasting, memory and agreement between tabs. Nothing leaves this device.' }), progress.element);
  const backend = (new URLSearchParams(location.search).get('backend') ?? 'auto') as BackendChoice;
  let aura: Aura;
  try {
    aura = await createAura({ backend, onProgress: progress.update });
  } catch (error) {
    renderError(progress.element, error instanceof AuraError ? `${error.message} (${error.hint})` : String(error));
    return;
  }
  progress.element.remove();
  root.append(...buildPage(aura), ...liveEventsSection(new URLSearchParams(location.search)));
}

function buildPage(aura: Aura): HTMLElement[] {
  const request = section('Ask', 'request');
  const text = el('textarea', { testId: 'text' });
  text.id = 'request-text';
  text.rows = 6;
  text.placeholder = 'Paste an e-mail, say “remember that …”, ask “what did I say about …”, or ask the tabs to agree on something';
  const textLabel = el('label', { text: 'Your request' });
  textLabel.htmlFor = text.id;
  const series = el('input', { testId: 'series' });
  series.id = 'request-series';
  series.placeholder = 'e.g. daily counts: 10510, 11235, 10890, …';
  const seriesLabel = el('label', { text: 'Numbers (optional): a daily series, or 64 pixel values' });
  seriesLabel.htmlFor = series.id;
  const send = el('button', { text: 'Send', testId: 'send', className: 'primary' });
  send.type = 'submit';
  const form = el('form', { className: 'ask' }, textLabel, text, seriesLabel, series, el('p', {}, send, el('span', { className: 'muted', text: ' Ctrl+Enter sends' })));
  const pad = new DigitPad((values) => (series.value = values.join(', ')));
  const padBox = el('div', { className: 'pad-wrap' }, el('p', { text: 'Or draw a digit (mouse, finger, or arrow keys + space):' }), pad.element);
  const answer = el('div', { testId: 'response', className: 'answer-box' });
  answer.setAttribute('aria-live', 'polite');
  const examples = el('div', {}, el('h3', { text: 'Examples (from held-out data)' }));
  request.append(el('div', { className: 'ask-row' }, form, padBox), examples, answer);

  const lnnPanel = section('Forecast (LNN)', 'lnn');
  const trajectoryHost = el('div', { testId: 'lnn-chart' });
  lnnPanel.append(trajectoryHost);
  const trajectory = new LineChart(trajectoryHost, 'The series, the CfC one-step prediction, and the forecast', ['series', 'one-step prediction', 'forecast'], 'day', 'value');
  const spikes = section('Spike raster (last digit)', 'raster');
  const canvas = el('canvas', { testId: 'raster' });
  canvas.width = 640;
  canvas.height = 220;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'Spike raster: time step across, neuron down');
  spikes.append(canvas);
  const charts = section('Latency and energy per request', 'charts');
  const latencyHost = el('div');
  const energyHost = el('div');
  charts.append(latencyHost, energyHost);
  const latency = new LineChart(latencyHost, 'Latency', ['total', 'route', 'services'], 'request', 'ms');
  const energy = new LineChart(energyHost, 'Energy', ['total'], 'request', 'µJ');
  const memoryPanel = section('Memory', 'memory');
  const memoryBody = el('div');
  const barcodeHost = el('div', { testId: 'memory-barcode' });
  memoryPanel.append(memoryBody, barcodeHost);
  // A series' shape as memory sees it: the H0 (clusters) and H1 (loops) bars of its delay embedding.
  const showShape = async (r: AnsweredResponse, values?: number[]) => {
    const memory = aura.services.memory;
    const fromStage = (r.services.memory?.output as { diagram?: BarcodeDiagram } | undefined)?.diagram;
    if (!fromStage && (!values || !memory)) return;
    try {
      const diagram = fromStage ?? (await memory!.signatureOf({ series: values! })).diagram;
      barcodeHost.replaceChildren(el('h3', { text: 'Shape of the series (persistence barcode)' }), barcodeCanvas(diagram));
    } catch (error) {
      barcodeHost.replaceChildren(el('p', { className: 'muted', text: `No barcode: ${(error as Error).message}` }));
    }
  };
  const consensusPanel = section('Consensus between tabs', 'consensus');
  const consensusBody = el('div');
  consensusPanel.append(consensusBody);

  const device = el('details', { testId: 'device-details' });
  device.append(el('summary', { text: `Device: ${aura.adapter.vendor || 'unknown'} ${aura.adapter.architecture || ''}${aura.adapter.isFallback ? ' (software fallback)' : ''}` }));
  const adapterPanel = el('div', { testId: 'adapter' });
  const bandwidthPanel = el('div', { testId: 'bandwidth-panel' });
  const planTable = el('table', { testId: 'plan' });
  planTable.append(
    el('tr', {}, ...['stage', 'path', 'why', 'GPU ms', 'CPU ms'].map((h) => el('th', { text: h }))),
    ...Object.entries(aura.plan.stages).map(([stage, p]) => el('tr', {}, el('td', { text: stage }), el('td', { text: p.path }), el('td', { text: p.why }), el('td', { text: fmt(p.gpuMs) }), el('td', { text: fmt(p.cpuMs) }))),
  );
  device.append(adapterPanel, el('h3', { text: 'Backend plan' }), planTable, bandwidthPanel);
  renderAdapter(adapterPanel, aura.gpu);
  let probing = false;
  const probe = async () => {
    probing = true;
    renderBandwidth(bandwidthPanel, await measureBandwidth(aura.gpu, { megabytes: 16, iterations: 8 }), probe);
    probing = false;
  };
  // The probe runs when the panel is first opened: it competes with requests for the GPU.
  device.addEventListener('toggle', () => device.open && !probing && !bandwidthPanel.hasChildNodes() && void probe());

  const notes: KnownNote[] = [];
  let rejections: RejectionEntry[] = [];
  const refresh = async () => {
    await renderMemory(memoryBody, aura, notes);
    renderConsensus(consensusBody, aura, rejections);
  };
  void refresh();
  // Messages the replicas refused (rate-limited per kind by watchRejections), shown as they come.
  if (aura.services.consensus) {
    watchRejections(aura.services.consensus, (entries) => {
      rejections = entries;
      renderConsensus(consensusBody, aura, rejections);
    });
  }

  let count = 0;
  const show = (r: AnsweredResponse, values?: number[]) => {
    renderAnswer(answer, r);
    count++;
    const stages = r.timings.perStage;
    const servicesMs = Math.max(0, ...r.route.selected.map((s) => stages[s.service]?.wallMs ?? 0));
    latency.push(count, [r.timings.totalMs, stages.route?.wallMs, servicesMs]);
    energy.push(count, [r.answer.totalPj / 1e6]);
    const snn = r.services.neuromorphic?.output as { raster?: { timeSteps: number; neurons: number; spikes: number[] } } | undefined;
    if (snn?.raster) drawRaster(canvas, snn.raster.spikes, snn.raster.timeSteps, snn.raster.neurons);
    const lnn = r.services.lnn?.output as { prediction?: number[]; next?: Array<{ value: number }> } | undefined;
    if (lnn?.prediction && lnn.next && values) {
      const n = values.length;
      const xs = Array.from({ length: n + lnn.next.length }, (_, i) => i + 1);
      const pad = (a: Array<number | null>) => [...a, ...Array(xs.length - a.length).fill(null)];
      trajectory.set(xs, [pad(values), pad([null, ...lnn.prediction.slice(0, n - 1)]), [...Array(n - 1).fill(null), values[n - 1], ...lnn.next.map((x) => x.value)]]);
    }
    void showShape(r, values);
    const stored = r.services.memory?.output as { stored?: { key: string }; intent?: { kind: string; fact?: string } } | undefined;
    if (stored?.stored && stored.intent?.fact) notes.push({ key: stored.stored.key, text: stored.intent.fact });
    void refresh();
  };
  const parseSeries = (): number[] | undefined => {
    const raw = series.value.trim();
    return raw ? raw.split(/[\s,;]+/).filter(Boolean).map(Number) : undefined;
  };
  const submit = async () => {
    send.disabled = true;
    answer.replaceChildren(el('p', { className: 'muted', text: 'Thinking…' }));
    try {
      const values = parseSeries();
      show(await aura.infer({ text: text.value.trim() || undefined, series: values }), values);
    } catch (error) {
      const message = error instanceof AuraError ? `${error.message}. ${error.hint}` : error instanceof Error ? error.message : String(error);
      answer.replaceChildren(el('p', { className: 'error', text: message, testId: 'error' }));
    } finally {
      send.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  });
  examples.append(
    renderGallery((example: GalleryExample) => {
      text.value = example.request.text ?? '';
      series.value = example.request.series?.join(', ') ?? '';
      if (example.request.series?.length === 64) pad.set(example.request.series);
      void submit();
    }),
  );
  return [request, lnnPanel, spikes, memoryPanel, consensusPanel, charts, device];
}

void main();

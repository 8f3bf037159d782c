import type { UnifiedResponse } from './response';
import type { ServiceName } from '../core/names';

/** One line of the energy breakdown: a service, or the shared embedding run. */
export interface EnergyRow {
  name: ServiceName | 'embedding';
  pj: number;
  /** The figure in a readable unit (pJ, nJ, µJ, mJ, J). */
  text: string;
}

/** The response in plain words, for a person. */
export interface Answer {
  /** One or two sentences; "I can't help with that." when no expert fits. */
  text: string;
  service: ServiceName | 'none';
  /** Rows that sum to `totalPj`: the embedding first, then each service that ran. */
  energy: EnergyRow[];
  totalPj: number;
  totalText: string;
}

export const NO_FIT_ANSWER = "I can't help with that.";
/** What the experts do, said after NO_FIT_ANSWER. */
export const NO_FIT_HINT = 'I can check an e-mail for spam, read an 8×8 digit, forecast a daily series, remember notes and recall them, and ask other tabs to agree.';

/** Energy in the largest unit that keeps the number at least 1 (from pJ). */
export function formatEnergy(pj: number): string {
  const units: Array<[string, number]> = [['J', 1e12], ['mJ', 1e9], ['µJ', 1e6], ['nJ', 1e3], ['pJ', 1]];
  const [unit, scale] = units.find(([, s]) => Math.abs(pj) >= s) ?? ['pJ', 1];
  const v = pj / scale;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
}

type Outputs = {
  language?: { label: string; probabilities: number[] };
  neuromorphic?: { label?: string; probability?: number; spikeCount: number; annEnergyPj?: number };
  consensus?: { seq: number; view: number; replicas: number; faultsTolerated: number };
};

/** The plain-words answer of a response. */
export function answerOf(r: UnifiedResponse): Answer {
  const energy: EnergyRow[] = [];
  if (r.energy.embeddingPj) energy.push({ name: 'embedding', pj: r.energy.embeddingPj, text: formatEnergy(r.energy.embeddingPj) });
  for (const [name, pj] of Object.entries(r.energy.perService) as Array<[ServiceName, number]>) energy.push({ name, pj, text: formatEnergy(pj) });
  const totalPj = energy.reduce((a, row) => a + row.pj, 0);
  const base = { energy, totalPj, totalText: formatEnergy(totalPj) };
  if (r.route.selected.length === 0) return { text: `${NO_FIT_ANSWER} ${NO_FIT_HINT}`, service: 'none', ...base };
  const service = r.decision.service;
  const out = (s: ServiceName) => (r.services[s]?.status === 'ok' ? r.services[s]!.output : undefined) as Outputs[keyof Outputs];
  let text: string;
  if (service === 'none') {
    const failed = Object.entries(r.services).find(([, o]) => o?.status === 'failed');
    text = failed ? `Something went wrong in ${failed[0]}: ${failed[1]!.error?.message}` : r.decision.value;
  } else if (service === 'language') {
    const label = (out('language') as Outputs['language'])?.label;
    text = `${r.decision.value}: ${label === 'spam' ? 'this looks like spam' : label === 'ham' ? 'this looks like a normal e-mail' : 'the class of this text'}.`;
  } else if (service === 'neuromorphic') {
    const o = out('neuromorphic') as Outputs['neuromorphic'];
    text = o?.label !== undefined
      ? `It's a ${o.label} (p=${o.probability!.toFixed(2)}). ${o.spikeCount.toLocaleString('en-US')} spikes, ${formatEnergy(r.energy.perService.neuromorphic ?? 0)}` +
        (o.annEnergyPj !== undefined ? `; the same-size ANN: ${formatEnergy(o.annEnergyPj)}.` : '.')
      : r.decision.value;
  } else if (service === 'lnn') {
    text = `Forecast: ${r.decision.value}.`;
  } else {
    text = r.decision.value;
  }
  const agreed = out('consensus') as Outputs['consensus'];
  if (agreed && service !== 'consensus') text += ` The ${agreed.replicas} replicas agreed on it (seq ${agreed.seq}, view ${agreed.view}).`;
  else if (agreed) text = `The ${agreed.replicas} replicas agreed on your request (seq ${agreed.seq}, view ${agreed.view}${agreed.faultsTolerated === 0 ? ', all in this page: no fault tolerated' : `, tolerating ${agreed.faultsTolerated} faulty`}).`;
  return { text, service, ...base };
}

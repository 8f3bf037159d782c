import type { UnifiedResponse } from '../pipeline/response';
import { formatEnergy } from '../pipeline/answer';
import { el, fmt } from './dom';

/** The response of one request: decision, route, each service, energy and timings. */
export function renderResponse(target: HTMLElement, r: UnifiedResponse): void {
  const routeRows = r.route.selected.map(({ service, weight }) => {
    const outcome = r.services[service];
    return el(
      'tr',
      {},
      el('td', { text: service }),
      el('td', { text: fmt(weight, 3) }),
      el('td', { text: outcome?.status ?? '—', testId: `status-${service}` }),
      el('td', { text: outcome?.decision ?? outcome?.error?.message ?? '' }),
      el('td', { text: outcome?.path ?? '' }),
      el('td', { text: r.energy.perService[service] === undefined ? '—' : formatEnergy(r.energy.perService[service]!) }),
    );
  });
  const stageRows = Object.entries(r.timings.perStage).map(([stage, t]) =>
    el('tr', {}, el('td', { text: stage }), el('td', { text: fmt(t.wallMs) }), el('td', { text: fmt(t.gpuMs) }), el('td', { text: t.path ? `${t.path}${t.why ? ` (${t.why})` : ''}` : '' }), el('td', { text: t.input ?? '' })),
  );
  target.replaceChildren(
    el('p', {}, el('strong', { text: 'Decision: ' }), el('span', { text: `${r.decision.value} (${r.decision.service})`, testId: 'decision' })),
    el('p', {}, el('strong', { text: 'Confidence: ' }), el('span', { text: fmt(r.confidence, 3), testId: 'confidence' })),
    el('p', { text: `Route: ${r.route.reason}`, testId: 'route-reason' }),
    ...r.route.skipped.map((s) => el('p', { className: 'error', text: `skipped ${s.service}: ${s.reason}` })),
    el(
      'table',
      { testId: 'route' },
      el('tr', {}, ...['service', 'weight', 'status', 'answer', 'path', 'energy'].map((h) => el('th', { text: h }))),
      ...routeRows,
    ),
    el('p', {}, el('strong', { text: 'Energy model: ' }), el('span', { text: r.energy.model })),
    el(
      'table',
      { testId: 'timings' },
      el('tr', {}, ...['stage', 'wall ms', 'GPU ms', 'path', 'embedding arrived'].map((h) => el('th', { text: h }))),
      ...stageRows,
      el('tr', {}, el('th', { text: 'total' }), el('td', { text: fmt(r.timings.totalMs) }), el('td'), el('td')),
    ),
  );
}

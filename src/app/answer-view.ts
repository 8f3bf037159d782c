import type { AnsweredResponse } from '../runtime/answers';
import { el } from './dom';
import { renderResponse } from './response-view';

/** The answer in plain words first, then the energy rows, then the details (route, services, timings). */
export function renderAnswer(target: HTMLElement, r: AnsweredResponse): void {
  const a = r.answer;
  const details = el('details', { testId: 'details' });
  details.append(el('summary', { text: 'How this was answered: route, services, timings' }));
  const inner = el('div');
  renderResponse(inner, r);
  details.append(inner);
  target.replaceChildren(
    el('p', { className: `answer answer-${a.service}`, text: a.text, testId: 'answer' }),
    el('p', { className: 'answer-meta' }, r.route.selected.length ? `Answered by ${r.route.selected.map((s) => s.service).join(' + ')}` : 'No expert fits this request', ` · confidence ${r.confidence.toFixed(2)} · ${r.timings.totalMs.toFixed(0)} ms`),
    el(
      'table',
      { testId: 'energy-rows', className: 'energy' },
      el('caption', { text: 'Energy (counted operations × 45 nm energy per operation)' }),
      ...a.energy.map((row) => el('tr', {}, el('th', { text: row.name }), el('td', { text: row.text }))),
      el('tr', { className: 'total' }, el('th', { text: 'total' }), el('td', { text: a.totalText, testId: 'energy' })),
    ),
    details,
  );
}

import type { AuraProgress } from '../runtime/progress';
import { el } from './dom';

/** One progress bar while the runtime loads: the file and its percentage, or the step in words. */
export function progressBar(): { element: HTMLElement; update(event: AuraProgress): void } {
  const bar = el('progress', { testId: 'load-progress' });
  bar.max = 100;
  bar.id = 'load-progress';
  const label = el('label', { text: 'Starting…', testId: 'load-label' });
  label.htmlFor = 'load-progress';
  const element = el('div', { className: 'loading' }, label, bar);
  return {
    element,
    update(e) {
      if (e.status === 'progress' || e.status === 'done') {
        const pct = e.progress ?? (e.status === 'done' ? 100 : undefined);
        if (pct === undefined) bar.removeAttribute('value');
        else bar.value = pct;
        label.textContent = `Loading ${e.file}${pct === undefined ? '' : ` ${Math.round(pct)} %`}`;
      } else {
        bar.removeAttribute('value');
        label.textContent = e.message.charAt(0).toUpperCase() + e.message.slice(1) + '…';
      }
    },
  };
}

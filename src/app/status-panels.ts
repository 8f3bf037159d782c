import type { Aura } from '../runtime/create-aura';
import type { RejectionEntry } from '../services/consensus/rejections';
import { TIER_NAMES } from '../services/memory/memory-notes';
import { el } from './dom';

/** A note the app stored through "remember that …", as the response named it. */
export interface KnownNote {
  key: string;
  text: string;
}

/** Memory: what is stored (the notes this page stored, with the tier each is in now) and the tiers' hit rates. */
export async function renderMemory(panel: HTMLElement, aura: Aura, notes: KnownNote[]): Promise<void> {
  const memory = aura.services.memory;
  if (!memory) {
    panel.replaceChildren(el('p', { text: 'Memory is not running here (no IndexedDB).', testId: 'memory-stats' }));
    return;
  }
  const s = await memory.stats();
  const reads = s.counters.l1Hits + s.counters.l2Hits + s.counters.l3Hits;
  const rate = (n: number) => (reads ? `${((100 * n) / reads).toFixed(0)} %` : '—');
  const live = notes.filter((n) => memory.has(n.key));
  const list = live.length
    ? el('ul', { testId: 'memory-items' }, ...live.map((n) => el('li', {}, `“${n.text}” `, el('span', { className: 'tier', text: TIER_NAMES[memory.tierOf(n.key)] }))))
    : el('p', { text: 'Nothing stored yet. Try “remember that …”.', testId: 'memory-items' });
  panel.replaceChildren(
    list,
    el('p', {
      className: 'muted',
      testId: 'memory-stats',
      text: `${s.items} items in all (L1 ${s.l1.items}, L2 ${s.l2.items}, L3-only ${s.l3.onlyRemote}); reads served by L1 ${rate(s.counters.l1Hits)}, L2 ${rate(s.counters.l2Hits)}, L3 ${rate(s.counters.l3Hits)}; policy ${s.policy}`,
    }),
  );
}

/** Consensus: replicas, view, leader, faults, and the messages the replicas rejected (by kind, newest first). */
export function renderConsensus(panel: HTMLElement, aura: Aura, rejections: readonly RejectionEntry[] = []): void {
  const c = aura.services.consensus?.status();
  if (!c) {
    panel.replaceChildren(el('p', { text: 'Consensus is not running here.', testId: 'consensus-status' }));
    return;
  }
  const faults = Object.entries(c.faults).filter(([, n]) => n > 0);
  panel.replaceChildren(
    el(
      'dl',
      { testId: 'consensus-status' },
      el('dt', { text: 'replicas' }), el('dd', { text: `${c.replicas} over ${c.transport}, ${c.faultsTolerated === 0 ? 'all in this page: no fault tolerated' : `tolerating ${c.faultsTolerated} faulty`}` }),
      el('dt', { text: 'view' }), el('dd', { text: String(c.view) }),
      el('dt', { text: 'leader' }), el('dd', { text: String(c.leader) }),
      el('dt', { text: 'agreed' }), el('dd', { text: `${c.lastExecuted} decisions, stable checkpoint ${c.stableCheckpoint}` }),
      el('dt', { text: 'faults seen' }), el('dd', { text: faults.length ? faults.map(([k, n]) => `${k} ${n}`).join(', ') : 'none' }),
      el('dt', { text: 'rejected messages' }),
      el('dd', { testId: 'consensus-rejections' }, rejections.length ? el('ul', {}, ...rejections.map((r) => el('li', { text: r.text }))) : 'none'),
    ),
  );
}

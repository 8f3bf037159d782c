import { el, fmt, section } from './dom';
import { watchLiveEvents, type LiveEvents } from './live-events';

/** The live-decisions panel when the page is configured with `?events=ws://host:port` (NATS's WebSocket listener); none otherwise. */
export function liveEventsSection(params: URLSearchParams): HTMLElement[] {
  const url = params.get('events');
  if (!url) return [];
  const panel = section('Live decisions of the edge nodes', 'live');
  const body = el('div');
  panel.append(body);
  watchLiveEvents(url, (live) => renderLiveEvents(body, url, live)).catch((error) =>
    body.replaceChildren(el('p', { className: 'error', testId: 'live-status', text: error instanceof Error ? error.message : String(error) })),
  );
  return [panel];
}

/** The live decisions of the edge nodes, newest first, as a table. */
export function renderLiveEvents(host: HTMLElement, url: string, live: LiveEvents): void {
  const status = live.status === 'live' ? `live from ${url}` : live.status === 'connecting' ? `connecting to ${url}…` : `not connected (${live.error ?? 'closed'})`;
  const summary = el('p', { className: 'muted', testId: 'live-status', text: `${status}; ${live.events.length} shown, ${live.rejected} malformed refused` });
  const table = el('table', { testId: 'live-events' });
  table.append(el('tr', {}, ...['time', 'node', 'kind', 'decision', 'confidence', 'energy µJ', 'ms'].map((h) => el('th', { text: h }))));
  for (const e of live.events) {
    table.append(
      el(
        'tr',
        {},
        el('td', { text: e.time.slice(11, 23) }),
        el('td', { text: e.node }),
        el('td', { text: e.kind }),
        el('td', { text: `${e.decision.service}: ${e.decision.value}` }),
        el('td', { text: fmt(e.confidence) }),
        el('td', { text: fmt(e.energyPj / 1e6, 3) }),
        el('td', { text: fmt(e.timings.totalMs, 1) }),
      ),
    );
  }
  host.replaceChildren(summary, table);
}

import gallery from './gallery.json';
import { el } from './dom';

/** One example of the gallery (written by training/router/generate.py from held-out data). */
export interface GalleryExample {
  id: string;
  title: string;
  /** The service that should answer it. */
  expect: string;
  request: { text?: string; series?: number[] };
}

export const GALLERY_EXAMPLES = gallery.examples as GalleryExample[];

/** Buttons that fill the request with an example and send it. */
export function renderGallery(onPick: (example: GalleryExample) => void): HTMLElement {
  const list = el('div', { className: 'gallery', testId: 'gallery' });
  list.setAttribute('role', 'list');
  for (const example of GALLERY_EXAMPLES) {
    const button = el('button', { className: 'example', testId: `example-${example.id}` }, el('strong', { text: example.title }), el('span', { text: preview(example) }));
    button.type = 'button';
    button.setAttribute('role', 'listitem');
    button.setAttribute('aria-label', `Example: ${example.title}`);
    button.addEventListener('click', () => onPick(example));
    list.append(button);
  }
  return list;
}

function preview(e: GalleryExample): string {
  const text = e.request.text ? e.request.text.replace(/\s+/g, ' ').slice(0, 70) : '';
  const series = e.request.series ? `${e.request.series.length} numbers` : '';
  return [text, series].filter(Boolean).join(' · ');
}

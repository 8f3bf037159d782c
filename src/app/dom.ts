/** Small DOM helpers: every text goes through textContent, never innerHTML, so no input is markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; testId?: string } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.testId) node.dataset.testid = props.testId;
  node.append(...children);
  return node;
}

export function section(title: string, id: string): HTMLElement {
  const s = el('section');
  s.id = id;
  s.append(el('h2', { text: title }));
  return s;
}

export function fmt(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

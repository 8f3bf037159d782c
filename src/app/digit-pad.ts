import { el } from './dom';

/** Pixel values of sklearn's digits: 0 (blank) … 16 (full ink). */
const INK = 16;

/**
 * An 8 × 8 pad to draw a digit with the mouse, a finger or a pen (pointer events), or the keyboard
 * (arrow keys move, space or enter inks, delete clears the cell). Its values are the 64 pixels the
 * digit classifier reads (0–16, row by row, as sklearn's digits).
 */
export class DigitPad {
  readonly element: HTMLElement;
  private readonly cells: HTMLButtonElement[] = [];
  private readonly values = new Array<number>(64).fill(0);
  private drawing = false;
  private focus = 0;

  constructor(onChange: (values: number[]) => void) {
    const grid = el('div', { className: 'pad', testId: 'digit-pad' });
    grid.setAttribute('role', 'grid');
    grid.setAttribute('aria-label', 'Draw a digit: 8 by 8 pixels');
    for (let i = 0; i < 64; i++) {
      const cell = el('button', { className: 'pad-cell' });
      cell.type = 'button';
      cell.tabIndex = i === 0 ? 0 : -1;
      cell.setAttribute('aria-label', `row ${Math.floor(i / 8) + 1}, column ${(i % 8) + 1}`);
      cell.setAttribute('aria-pressed', 'false');
      cell.addEventListener('keydown', (e) => this.key(e, i, onChange));
      this.cells.push(cell);
      grid.append(cell);
    }
    grid.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      grid.setPointerCapture(e.pointerId);
      this.inkAt(e, onChange);
      e.preventDefault();
    });
    grid.addEventListener('pointermove', (e) => this.drawing && this.inkAt(e, onChange));
    const stop = () => (this.drawing = false);
    grid.addEventListener('pointerup', stop);
    grid.addEventListener('pointercancel', stop);
    const clear = el('button', { text: 'Clear pad', testId: 'pad-clear' });
    clear.type = 'button';
    clear.addEventListener('click', () => {
      this.set(new Array(64).fill(0));
      onChange(this.pixels());
    });
    this.element = el('div', { className: 'pad-box' }, grid, clear);
  }

  pixels(): number[] {
    return [...this.values];
  }

  /** Shows 64 values (e.g. a gallery digit). */
  set(values: ArrayLike<number>): void {
    for (let i = 0; i < 64; i++) this.paint(i, Math.max(0, Math.min(INK, Number(values[i]) || 0)));
  }

  private paint(i: number, v: number): void {
    this.values[i] = v;
    const shade = Math.round(255 - (v / INK) * 225);
    this.cells[i].style.background = `rgb(${shade},${shade},${shade})`;
    this.cells[i].setAttribute('aria-pressed', v > 0 ? 'true' : 'false');
  }

  /** The cell under the pointer gets full ink, its 4 neighbours at least a quarter (a soft stroke, as scanned digits). */
  private inkAt(e: PointerEvent, onChange: (v: number[]) => void): void {
    const grid = this.cells[0].parentElement!.getBoundingClientRect();
    const col = Math.floor(((e.clientX - grid.left) / grid.width) * 8);
    const row = Math.floor(((e.clientY - grid.top) / grid.height) * 8);
    if (col < 0 || col > 7 || row < 0 || row > 7) return;
    this.paint(row * 8 + col, INK);
    for (const [dr, dc] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
      const r = row + dr;
      const c = col + dc;
      if (r >= 0 && r < 8 && c >= 0 && c < 8) this.paint(r * 8 + c, Math.max(this.values[r * 8 + c], INK / 4));
    }
    onChange(this.pixels());
  }

  private key(e: KeyboardEvent, i: number, onChange: (v: number[]) => void): void {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -8, ArrowDown: 8 };
    if (e.key in moves) {
      const next = i + moves[e.key];
      if (next >= 0 && next < 64) this.move(next);
    } else if (e.key === ' ' || e.key === 'Enter') {
      this.paint(i, this.values[i] > 0 ? 0 : INK);
      onChange(this.pixels());
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      this.paint(i, 0);
      onChange(this.pixels());
    } else return;
    e.preventDefault();
  }

  private move(next: number): void {
    this.cells[this.focus].tabIndex = -1;
    this.focus = next;
    this.cells[next].tabIndex = 0;
    this.cells[next].focus();
  }
}

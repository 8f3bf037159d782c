/** Margins of the plot area inside the canvas (px): room for the axes' ticks and labels. */
export const RASTER_MARGIN = { left: 44, bottom: 30, top: 8, right: 8 };

/**
 * Draws a spike raster with axes: x = time step, y = neuron; a dark cell is a spike. Ticks are
 * integers (steps and neuron indices).
 */
export function drawRaster(canvas: HTMLCanvasElement, spikes: ArrayLike<number>, steps: number, neurons: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const rows = Math.min(neurons, 128); // more rows than pixels say nothing
  const m = RASTER_MARGIN;
  const w = canvas.width - m.left - m.right;
  const h = canvas.height - m.top - m.bottom;
  const cw = w / Math.max(steps, 1);
  const ch = h / Math.max(rows, 1);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#1d2330';
  for (let t = 0; t < steps; t++) {
    for (let n = 0; n < rows; n++) {
      if (spikes[t * neurons + n]) ctx.fillRect(m.left + t * cw, m.top + n * ch, Math.max(1, cw - 0.5), Math.max(1, ch - 0.5));
    }
  }
  ctx.strokeStyle = '#5b6478';
  ctx.beginPath();
  ctx.moveTo(m.left, m.top);
  ctx.lineTo(m.left, m.top + h);
  ctx.lineTo(m.left + w, m.top + h);
  ctx.stroke();
  ctx.fillStyle = '#5b6478';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const t of integerTicks(steps - 1, 8)) ctx.fillText(String(t), m.left + (t + 0.5) * cw, m.top + h + 12);
  ctx.fillText('time step', m.left + w / 2, canvas.height - 4);
  ctx.textAlign = 'right';
  for (const n of integerTicks(rows - 1, 6)) ctx.fillText(String(n), m.left - 4, m.top + (n + 0.5) * ch + 4);
  ctx.save();
  ctx.translate(10, m.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('neuron', 0, 0);
  ctx.restore();
}

/** About `count` integer ticks from 0 to max, on a 1-2-5 step. */
export function integerTicks(max: number, count: number): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((s) => s >= raw) ?? Math.ceil(raw);
  const out: number[] = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  return out;
}

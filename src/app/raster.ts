/** Draws a spike raster: one row a neuron, one column a time step, a dark cell a spike. */
export function drawRaster(canvas: HTMLCanvasElement, spikes: ArrayLike<number>, steps: number, neurons: number): void {
  const rows = Math.min(neurons, 128); // more rows than pixels say nothing
  const cell = Math.max(1, Math.floor(Math.min(canvas.width / Math.max(steps, 1), canvas.height / Math.max(rows, 1))));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#1d2330';
  for (let t = 0; t < steps; t++) {
    for (let n = 0; n < rows; n++) {
      if (spikes[t * neurons + n]) ctx.fillRect(t * cell, n * cell, cell, cell);
    }
  }
}

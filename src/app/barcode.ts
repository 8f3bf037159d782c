/**
 * A persistence barcode (H0 and H1) drawn on a canvas: one horizontal bar per persistence pair, from
 * its birth to its death on a shared scale axis, H0 above H1, longest bars first. Infinite bars (H0's
 * component, classes alive at the threshold) run to the right edge and end in an arrow. The memory
 * panel shows a stored series' barcode with it: `memory.signatureOf({ series })` gives the diagram.
 */
export interface BarcodePair {
  birth: number;
  death: number;
}

export interface BarcodeDiagram {
  h0: readonly BarcodePair[];
  h1: readonly BarcodePair[];
}

/** A bar as drawn, in canvas pixels. */
export interface BarcodeBar {
  dimension: 0 | 1;
  x0: number;
  x1: number;
  y: number;
  infinite: boolean;
}

export interface BarcodeLayout {
  bars: BarcodeBar[];
  /** The scale the axis ends at (the largest finite value, rounded up to a tick). */
  scaleMax: number;
  ticks: number[];
  /** Bars in the diagram per dimension, and how many of them are drawn (the longest, where they do not all fit). */
  total: [number, number];
  shown: [number, number];
  plot: { left: number; right: number; top: number; bottom: number };
  /** The top of each dimension's band (its label sits there). */
  bandTop: [number, number];
}

export const BARCODE_COLORS = { h0: '#3b6ee8', h1: '#e8703b', axis: '#1d2330', background: '#ffffff' } as const;

const MARGIN = { left: 44, right: 16, top: 8, bottom: 34 };
const BAR_PITCH = 3; // pixels per bar, at least
const MAX_PITCH = 8;
const LABEL_HEIGHT = 14;

/** Where every bar goes on a width × height canvas (pure, so it is testable without a canvas). */
export function barcodeLayout(diagram: BarcodeDiagram, width: number, height: number): BarcodeLayout {
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const finite = [...diagram.h0, ...diagram.h1].flatMap((p) => (Number.isFinite(p.death) ? [p.birth, p.death] : [p.birth]));
  const scaleMax = niceCeiling(Math.max(1e-9, ...finite));
  const ticks = Array.from({ length: 5 }, (_, k) => (scaleMax * k) / 4);
  const x = (v: number) => plot.left + ((plot.right - plot.left) * Math.min(v, scaleMax)) / scaleMax;
  // H0 gets 60 % of the height, H1 (few bars, the loops) 40 %; each bar at least BAR_PITCH px, at most MAX_PITCH.
  const room = plot.bottom - plot.top - 2 * LABEL_HEIGHT;
  const bandHeight = [room * 0.6, room * 0.4];
  const bars: BarcodeBar[] = [];
  const bandTop: [number, number] = [plot.top, plot.top + LABEL_HEIGHT + bandHeight[0]];
  for (const dimension of [0, 1] as const) {
    const pairs = dimension === 0 ? diagram.h0 : diagram.h1;
    const shown = longestFirst(pairs).slice(0, Math.max(1, Math.floor(bandHeight[dimension] / BAR_PITCH)));
    const pitch = Math.min(MAX_PITCH, bandHeight[dimension] / Math.max(1, shown.length));
    let y = bandTop[dimension] + LABEL_HEIGHT;
    for (const p of shown) {
      const infinite = !Number.isFinite(p.death);
      bars.push({ dimension, x0: x(p.birth), x1: infinite ? plot.right : Math.max(x(p.death), x(p.birth) + 1), y: y + pitch / 2, infinite });
      y += pitch;
    }
  }
  const count = (d: 0 | 1) => bars.filter((b) => b.dimension === d).length;
  return { bars, scaleMax, ticks, total: [diagram.h0.length, diagram.h1.length], shown: [count(0), count(1)], plot, bandTop };
}

/** Draws the barcode; returns the layout it drew. */
export function drawBarcode(canvas: HTMLCanvasElement, diagram: BarcodeDiagram): BarcodeLayout {
  const layout = barcodeLayout(diagram, canvas.width, canvas.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return layout;
  const { plot } = layout;
  ctx.fillStyle = BARCODE_COLORS.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // Axis with ticks and its label.
  ctx.strokeStyle = ctx.fillStyle = BARCODE_COLORS.axis;
  ctx.lineWidth = 1;
  ctx.font = '11px sans-serif';
  ctx.beginPath();
  ctx.moveTo(plot.left, plot.bottom + 0.5);
  ctx.lineTo(plot.right, plot.bottom + 0.5);
  ctx.stroke();
  ctx.textAlign = 'center';
  for (const t of layout.ticks) {
    const tx = plot.left + ((plot.right - plot.left) * t) / layout.scaleMax;
    ctx.beginPath();
    ctx.moveTo(tx + 0.5, plot.bottom);
    ctx.lineTo(tx + 0.5, plot.bottom + 4);
    ctx.stroke();
    ctx.fillText(formatTick(t), tx, plot.bottom + 15);
  }
  ctx.fillText('scale (Rips edge length)', (plot.left + plot.right) / 2, plot.bottom + 29);
  // Band labels: dimension and how many bars are shown.
  ctx.textAlign = 'left';
  for (const d of [0, 1] as const) {
    const note = layout.shown[d] < layout.total[d] ? `longest ${layout.shown[d]} of ${layout.total[d]}` : `${layout.total[d]} bars`;
    ctx.fillStyle = d === 0 ? BARCODE_COLORS.h0 : BARCODE_COLORS.h1;
    ctx.fillText(`H${d}  (${note})`, 4, layout.bandTop[d] + 11);
  }
  for (const bar of layout.bars) {
    const color = bar.dimension === 0 ? BARCODE_COLORS.h0 : BARCODE_COLORS.h1;
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(bar.x0, bar.y);
    ctx.lineTo(bar.x1, bar.y);
    ctx.stroke();
    if (bar.infinite) {
      ctx.beginPath();
      ctx.moveTo(bar.x1, bar.y);
      ctx.lineTo(bar.x1 - 5, bar.y - 3);
      ctx.lineTo(bar.x1 - 5, bar.y + 3);
      ctx.fill();
    }
  }
  return layout;
}

/** A canvas with the barcode, for a panel: `parent.append(barcodeCanvas(diagram))`. */
export function barcodeCanvas(diagram: BarcodeDiagram, width = 480, height = 260): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.dataset.testid = 'shape-barcode';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `persistence barcode: ${diagram.h0.length} H0 bars, ${diagram.h1.length} H1 bars`);
  drawBarcode(canvas, diagram);
  return canvas;
}

function longestFirst(pairs: readonly BarcodePair[]): BarcodePair[] {
  return [...pairs].sort((a, b) => b.death - b.birth - (a.death - a.birth) || a.birth - b.birth);
}

/** The smallest m × 10^k at or above v whose quarters are round numbers (m in 1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8). */
function niceCeiling(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8]) if (m * step >= v * (1 - 1e-12)) return m * step;
  return 10 * step;
}

function formatTick(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, '');
}

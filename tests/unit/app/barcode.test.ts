import { describe, expect, it } from 'vitest';
import { barcodeLayout } from '../../../src/app/barcode';

describe('barcode layout (where each bar is drawn)', () => {
  const diagram = {
    h0: [{ birth: 0, death: 0.5 }, { birth: 0, death: 1 }, { birth: 0, death: Infinity }],
    h1: [{ birth: 0.5, death: 1.5 }],
  };

  it('one bar per pair on a shared axis: H0 above H1, longest first, infinite bars to the right edge', () => {
    const layout = barcodeLayout(diagram, 400, 200);
    expect(layout.scaleMax).toBeCloseTo(1.6, 12); // largest finite value 1.5 → 1.6, whose quarters are round
    [0, 0.4, 0.8, 1.2, 1.6].forEach((t, i) => expect(layout.ticks[i]).toBeCloseTo(t, 12));
    expect(layout.shown).toEqual([3, 1]);
    const { left, right } = layout.plot;
    const at = (v: number) => left + ((right - left) * v) / layout.scaleMax;
    const [inf, one, half, loop] = layout.bars;
    expect(inf).toMatchObject({ dimension: 0, x0: at(0), x1: right, infinite: true });
    expect(one).toMatchObject({ dimension: 0, x0: at(0), x1: at(1), infinite: false });
    expect(half).toMatchObject({ dimension: 0, x1: at(0.5) });
    expect(loop).toMatchObject({ dimension: 1, x0: at(0.5), x1: at(1.5), infinite: false });
    expect(inf.y).toBeLessThan(one.y);
    expect(half.y).toBeLessThan(loop.y);
    expect(loop.y).toBeLessThan(layout.plot.bottom);
  });

  it('more bars than rows: the longest are drawn, and the counts say so', () => {
    const many = { h0: Array.from({ length: 500 }, (_, i) => ({ birth: 0, death: (i + 1) / 500 })), h1: Array.from({ length: 300 }, (_, i) => ({ birth: 0.1, death: 0.1 + (i + 1) / 1000 })) };
    const layout = barcodeLayout(many, 480, 260);
    expect(layout.total).toEqual([500, 300]);
    expect(layout.shown[0]).toBeLessThan(500);
    expect(layout.shown[1]).toBeLessThan(300);
    expect(layout.shown[0] + layout.shown[1]).toBe(layout.bars.length);
    const h0 = layout.bars.filter((b) => b.dimension === 0);
    expect(h0[0].x1).toBe(layout.plot.right); // death 1: the axis ends there
    for (const b of layout.bars) expect(b.y).toBeLessThanOrEqual(layout.plot.bottom);
  });

  it('an empty H1 leaves its band empty', () => {
    const layout = barcodeLayout({ h0: [{ birth: 0, death: Infinity }], h1: [] }, 300, 150);
    expect(layout.shown).toEqual([1, 0]);
    expect(layout.bars).toHaveLength(1);
  });
});

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A line chart (uPlot) that grows as points arrive. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly data: number[][];

  /** `yLabel` names the y axis (with its unit); x ticks are whole numbers (requests, steps). */
  constructor(parent: HTMLElement, title: string, seriesNames: string[], xLabel = 'request', yLabel = '') {
    this.data = [[], ...seriesNames.map(() => [])];
    const colors = ['#3b6ee8', '#e8703b', '#2fa36b', '#a33bb8', '#b8a23b'];
    this.plot = new uPlot(
      {
        title,
        width: Math.min(880, parent.clientWidth || 880),
        height: 220,
        scales: { x: { time: false } },
        // Whole-number x steps only: a request or a time step has no 1.25.
        axes: [{ label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { label: yLabel }],
        series: [{ label: xLabel }, ...seriesNames.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 2, points: { show: true, size: 4 } }))],
      },
      this.data as uPlot.AlignedData,
      parent,
    );
  }

  /** Appends one x with a value per series (undefined leaves a gap). */
  push(x: number, values: Array<number | undefined>): void {
    this.data[0].push(x);
    values.forEach((v, i) => this.data[i + 1].push(v ?? (null as unknown as number)));
    this.plot.setData(this.data as uPlot.AlignedData);
  }

  /** Replaces the whole chart (for a trajectory); null leaves a gap. */
  set(xs: number[], series: Array<Array<number | null>>): void {
    this.data.length = 0;
    this.data.push(xs, ...(series as number[][]));
    this.plot.setData(this.data as uPlot.AlignedData);
  }
}

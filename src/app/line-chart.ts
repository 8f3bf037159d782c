import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A line chart (uPlot) that grows as points arrive. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly data: number[][];

  constructor(parent: HTMLElement, title: string, seriesNames: string[], xLabel = 'request') {
    this.data = [[], ...seriesNames.map(() => [])];
    const colors = ['#3b6ee8', '#e8703b', '#2fa36b', '#a33bb8', '#b8a23b'];
    this.plot = new uPlot(
      {
        title,
        width: Math.min(880, parent.clientWidth || 880),
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: xLabel }, {}],
        series: [{ label: xLabel }, ...seriesNames.map((label, i) => ({ label, stroke: colors[i % colors.length], width: 1.5 }))],
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

  /** Replaces the whole chart (for a trajectory). */
  set(xs: number[], series: number[][]): void {
    this.data.length = 0;
    this.data.push(xs, ...series);
    this.plot.setData(this.data as uPlot.AlignedData);
  }
}

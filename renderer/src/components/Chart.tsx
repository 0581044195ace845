// A small live time-series chart (uPlot, bundled: no CDN, works offline).
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';

export interface ChartProps {
  title: string;
  /** Epoch ms per point. */
  times: number[];
  values: (number | null)[];
  format(v: number): string;
  /** CSS variable holding the line colour. */
  colorVar?: string;
  testId?: string;
}

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

const hhmm = (ms: number): string => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const data: uPlot.AlignedData = [props.times.map((t) => t / 1000), props.values];
  // The chart may be built after later data arrived (lazy chunk): it starts from the newest data.
  const latest = useRef(data);
  latest.current = data;
  const last = [...props.values].reverse().find((v) => v !== null && v !== undefined);

  const build = (UPlot: typeof uPlot, el: HTMLDivElement): uPlot => {
    const stroke = cssVar(props.colorVar ?? '--accent', '#3b82f6');
    const grid = cssVar('--grid', 'rgba(128,128,128,0.15)');
    const text = cssVar('--muted', '#888');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font: '11px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height: 120,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      padding: [8, 8, 0, 0],
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [
        { ...axis, space: 60, size: 26, values: (_u, ticks) => ticks.map((t) => hhmm(t * 1000)) },
        { ...axis, size: 52, values: (_u, ticks) => ticks.map((v) => props.format(v)) },
      ],
      series: [{}, { stroke, width: 2, fill: `${stroke}22`, points: { show: false }, spanGaps: true }],
    };
    return new UPlot(opts, latest.current, el);
  };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let disposed = false;
    let ro: ResizeObserver | undefined;
    void import('./uplot-lazy.js').then(({ default: UPlot }) => {
      if (disposed) return;
      plot.current = build(UPlot, el);
      ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(el.clientWidth, 200), height: 120 }));
      ro.observe(el);
    });
    return () => {
      disposed = true;
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
    // Built once; data updates go through setData below.
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [props.times, props.values]);

  return (
    <div class="chart" data-testid={props.testId} data-total={props.values.reduce<number>((a, v) => a + (v ?? 0), 0)}>
      <div class="chart-head">
        <span>{props.title}</span>
        <strong>{last === undefined || last === null ? '—' : props.format(last)}</strong>
      </div>
      <div ref={host} class="chart-plot" />
    </div>
  );
}

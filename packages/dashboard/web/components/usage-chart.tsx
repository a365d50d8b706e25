// The daily usage chart (uPlot: a 50 KB canvas chart that draws thousands of points without effort).
// Stacked views draw each key's running sum as bars, so the top of each bar is the day's total.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSeries } from '../lib/usage-series.js';
import { formatCount, formatDay } from '../lib/format.js';

const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

export interface UsageChartProps {
  /** Unix seconds of each day (UTC midnight). */
  x: number[];
  days: string[];
  series: ChartSeries[];
  stacked: boolean;
  label: string;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function UsageChart({ x, days, series, stacked, label }: UsageChartProps) {
  const holder = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const axisColor = cssVar('--muted', '#6b7280');
    const gridColor = cssVar('--border', '#e5e7eb');
    const width = () => Math.max(280, element.clientWidth);
    const height = () => (element.clientWidth < 500 ? 220 : 300);
    const bars = uPlot.paths.bars?.({ size: [0.7, 40], gap: 1 });
    // Stacked bars: draw the tallest running sum first so each lower one paints over it.
    const order = stacked ? series.map((_, i) => i).reverse() : series.map((_, i) => i);

    const options: uPlot.Options = {
      width: width(),
      height: height(),
      padding: [12, 12, 0, 0],
      cursor: { drag: { x: false, y: false }, points: { show: !stacked } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          values: (_u, splits) =>
            splits.map((value) => formatDay(new Date(value * 1000).toISOString().slice(0, 10))),
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          values: (_u, splits) => splits.map((value) => (Number.isInteger(value) ? formatCount(value) : '')),
          size: 56,
        },
      ],
      series: [
        {
          label: 'Day',
          value: (_u, value) =>
            value == null ? '—' : formatDay(new Date(value * 1000).toISOString().slice(0, 10)),
        },
        ...order.map((i) => {
          const one = series[i];
          const color = PALETTE[i % PALETTE.length] ?? '#2563eb';
          return {
            label: one?.label ?? '',
            stroke: color,
            width: stacked ? 0 : 2,
            fill: stacked ? color : `${color}22`,
            paths: stacked ? bars : undefined,
            points: { show: !stacked, size: 5 },
            // The legend shows the day's own value, not the running sum that was drawn.
            value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
              idx == null ? '—' : formatCount(one?.values[idx] ?? 0),
          } satisfies uPlot.Series;
        }),
      ],
    };
    const data: uPlot.AlignedData = [x, ...order.map((i) => series[i]?.drawn ?? [])];
    const chart = new uPlot(options, data, element);

    const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: height() }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [x, series, stacked]);

  return (
    <figure className="chart">
      <div ref={holder} role="img" aria-label={label} />
      <details>
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="compact">
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {series.map((one, i) => (
                  <th scope="col" className="num" key={i}>
                    {one.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day, d) => (
                <tr key={day}>
                  <th scope="row">{formatDay(day)}</th>
                  {series.map((one, i) => (
                    <td className="num" key={i}>
                      {formatCount(one.values[d] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

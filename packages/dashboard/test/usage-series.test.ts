import type { UsageReport } from '../web/lib/api-types.js';
import { buildUsageSeries, chartSeries, daysBetween, stackValues } from '../web/lib/usage-series.js';

const report: UsageReport = {
  from: '2025-02-26',
  to: '2025-03-02',
  rows: [
    { date: '2025-02-26', key_id: 'k1', key_name: 'Server', requests: 5, renders: 2, credits: 0 },
    { date: '2025-03-01', key_id: 'k1', key_name: 'Server', requests: 3, renders: 3, credits: 0 },
    { date: '2025-03-01', key_id: 'k2', key_name: 'Laptop', requests: 10, renders: 1, credits: 0 },
    { date: '2025-03-02', key_id: 'k2', key_name: 'Laptop', requests: 4, renders: 0, credits: 0 },
  ],
};

describe('daysBetween', () => {
  it('lists every UTC day of the range, across month ends', () => {
    expect(daysBetween('2025-02-26', '2025-03-02')).toEqual([
      '2025-02-26',
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
    ]);
  });

  it('is empty for a reversed or malformed range', () => {
    expect(daysBetween('2025-03-02', '2025-03-01')).toEqual([]);
    expect(daysBetween('yesterday', '2025-03-01')).toEqual([]);
  });

  it('stops at a bound for an absurd range', () => {
    expect(daysBetween('1900-01-01', '2100-01-01')).toHaveLength(366);
  });
});

describe('buildUsageSeries', () => {
  const series = buildUsageSeries(report);

  it('fills days without activity with zeros', () => {
    expect(series.days).toHaveLength(5);
    expect(series.total.requests).toEqual([5, 0, 0, 13, 4]);
    expect(series.total.renders).toEqual([2, 0, 0, 4, 0]);
  });

  it('puts each day at its UTC midnight for the chart', () => {
    expect(series.x[0]).toBe(Date.parse('2025-02-26T00:00:00Z') / 1000);
    expect(series.x[4]! - series.x[3]!).toBe(86_400);
  });

  it('keeps one series per key, busiest first', () => {
    expect(series.keys.map((key) => key.name)).toEqual(['Laptop', 'Server']);
    expect(series.keys[0]?.requests).toEqual([0, 0, 0, 10, 4]);
    expect(series.keys[1]?.renders).toEqual([2, 0, 0, 3, 0]);
  });

  it('ignores rows outside the range and non-numeric counts', () => {
    const odd = buildUsageSeries({
      from: '2025-03-01',
      to: '2025-03-01',
      rows: [
        { date: '2025-02-01', key_id: 'k1', key_name: 'Old', requests: 99, renders: 99, credits: 0 },
        { date: '2025-03-01', key_id: 'k1', key_name: 'Old', requests: Number.NaN, renders: 1, credits: 0 },
      ],
    });
    expect(odd.total).toEqual({ requests: [0], renders: [1] });
  });

  it('is empty when there was no activity', () => {
    const empty = buildUsageSeries({ from: '2025-03-01', to: '2025-03-03', rows: [] });
    expect(empty.keys).toEqual([]);
    expect(empty.total.requests).toEqual([0, 0, 0]);
  });
});

describe('chartSeries', () => {
  const series = buildUsageSeries(report);

  it('draws requests and renders of all keys in the total view', () => {
    const drawn = chartSeries(series, { mode: 'total' });
    expect(drawn.map((one) => one.label)).toEqual(['Requests', 'Renders']);
    expect(drawn[0]?.drawn).toEqual([5, 0, 0, 13, 4]);
  });

  it('stacks the keys so the top series is the day total, while values stay per key', () => {
    const drawn = chartSeries(series, { mode: 'stacked', metric: 'requests' });
    expect(drawn.map((one) => one.label)).toEqual(['Laptop', 'Server']);
    expect(drawn[1]?.values).toEqual([5, 0, 0, 3, 0]);
    expect(drawn[1]?.drawn).toEqual(series.total.requests);
  });

  it('shows one key alone, and nothing for a key that is not in the report', () => {
    expect(chartSeries(series, { mode: 'key', keyId: 'k1' })[0]?.values).toEqual([5, 0, 0, 3, 0]);
    expect(chartSeries(series, { mode: 'key', keyId: 'gone' })).toEqual([]);
  });

  it('stackValues sums series below', () => {
    expect(
      stackValues([
        [1, 2],
        [3, 4],
        [0, 1],
      ]),
    ).toEqual([
      [1, 2],
      [4, 6],
      [4, 7],
    ]);
    expect(stackValues([])).toEqual([]);
  });
});

// Usage: requests and renders per UTC day for the last 30 days, in total, stacked by key or for one
// key, and the rate limits in force.
import { Suspense, lazy, useMemo, useState } from 'react';
import { useApp } from '../app-context.js';
import { ErrorMessage, Loading } from '../components/feedback.js';
import { formatCount, formatDay } from '../lib/format.js';
import {
  buildUsageSeries,
  chartSeries,
  seriesTotal,
  type UsageMetric,
  type UsageView,
} from '../lib/usage-series.js';
import { useResource } from '../use-resource.js';

const DAYS = 30;

// The chart library loads with this page only, not with the login form.
const UsageChart = lazy(() =>
  import('../components/usage-chart.js').then((module) => ({ default: module.UsageChart })),
);

function viewFromSelect(value: string, metric: UsageMetric): UsageView {
  if (value === 'total') return { mode: 'total' };
  if (value === 'stacked') return { mode: 'stacked', metric };
  return { mode: 'key', keyId: value.slice('key:'.length) };
}

export function UsagePage() {
  const { api, me } = useApp();
  const usage = useResource(() => api.usage(DAYS), [api]);
  const [selected, setSelected] = useState('total');
  const [metric, setMetric] = useState<UsageMetric>('requests');

  const series = useMemo(() => (usage.data ? buildUsageSeries(usage.data) : null), [usage.data]);
  const view = viewFromSelect(selected, metric);
  const drawn = useMemo(
    () => (series ? chartSeries(series, viewFromSelect(selected, metric)) : []),
    [series, selected, metric],
  );
  const keyName =
    view.mode === 'key' ? (series?.keys.find((key) => key.id === view.keyId)?.name ?? 'this key') : null;
  const chartLabel =
    view.mode === 'stacked'
      ? `${metric === 'requests' ? 'Requests' : 'Renders'} per day, stacked by key`
      : `Requests and renders per day${keyName ? ` for ${keyName}` : ', all keys'}`;

  return (
    <section aria-labelledby="page-title" className="stack">
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Usage
        </h1>
      </div>

      <div className="card stack">
        <h2>Rate limits</h2>
        <p>
          Each key may make <strong>{formatCount(me.rate_limits.per_minute)} requests per minute</strong> and{' '}
          <strong>{formatCount(me.rate_limits.per_day)} per day</strong>. A key can have its own limits; over
          the limit the API answers <code>429</code> with a <code>Retry-After</code> header.
        </p>
      </div>

      <ErrorMessage error={usage.error} />
      {usage.loading && !series ? (
        <Loading what="usage" />
      ) : series ? (
        <div className="card stack">
          <div className="page-head">
            <h2>
              Last {DAYS} days{' '}
              <span className="muted small">
                ({formatDay(usage.data?.from ?? '')} – {formatDay(usage.data?.to ?? '')}, UTC)
              </span>
            </h2>
          </div>
          <div className="stats">
            <div>
              <span className="stat-value">{formatCount(seriesTotal(series.total.requests))}</span>
              <span className="stat-label">requests</span>
            </div>
            <div>
              <span className="stat-value">{formatCount(seriesTotal(series.total.renders))}</span>
              <span className="stat-label">renders</span>
            </div>
            <div>
              <span className="stat-value">{formatCount(series.keys.length)}</span>
              <span className="stat-label">keys used</span>
            </div>
          </div>
          <div className="toolbar">
            <label>
              Show
              <select value={selected} onChange={(event) => setSelected(event.target.value)}>
                <option value="total">All keys, total</option>
                <option value="stacked" disabled={series.keys.length === 0}>
                  All keys, stacked by key
                </option>
                {series.keys.map((key) => (
                  <option key={key.id} value={`key:${key.id}`}>
                    Key: {key.name}
                  </option>
                ))}
              </select>
            </label>
            {view.mode === 'stacked' && (
              <label>
                Count
                <select value={metric} onChange={(event) => setMetric(event.target.value as UsageMetric)}>
                  <option value="requests">Requests</option>
                  <option value="renders">Renders</option>
                </select>
              </label>
            )}
          </div>
          {series.keys.length === 0 && <p className="empty">No API calls in the last {DAYS} days.</p>}
          <Suspense fallback={<Loading what="the chart" />}>
            <UsageChart
              x={series.x}
              days={series.days}
              series={drawn}
              stacked={view.mode === 'stacked'}
              label={chartLabel}
            />
          </Suspense>
        </div>
      ) : null}
    </section>
  );
}

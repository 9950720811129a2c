/**
 * Metric storage and queries: GetMetricData (MetricStat, metric-math Expression and Metrics Insights queries,
 * §4.2), ListMetrics, and the per-period values alarms evaluate. A metric is its namespace, name and exact set of
 * dimensions; its datapoints keep their unit, and a query naming a unit sees only those.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { isRecord, optString, recordList, toMillis, toNumber, type Input } from '../input.js';
import type { DatapointState, MetricSeriesState } from '../types.js';
import { evaluate, type MathValue, parseExpression, referencedIds, type Series } from './metric-math.js';
import { insightsSeries, isInsightsQuery } from './metrics-insights.js';

const MAX_POINTS = 20_000;
const MAX_VALUES = 200;

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

export function metricKey(m: MetricRef): string {
  const dims = [...m.dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return `${m.namespace}|${m.metricName}|${dims.map((d) => `${d.Name}=${d.Value}`).join(',')}`;
}

export function dimensionsOf(v: unknown): Dimension[] {
  return recordList(v).map((d) => ({ Name: String(d.Name), Value: String(d.Value) }));
}

/** Adds one datapoint (already aggregated: sum/count/min/max, optional raw values for percentiles). */
export function putDatapoint(w: WorldContext, m: MetricRef, p: DatapointState): void {
  const key = metricKey(m);
  let s = w.st.cloudwatch.metrics[key];
  if (!s) {
    s = { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, points: [] };
    w.st.cloudwatch.metrics[key] = s;
  }
  if (p.values && p.values.length > MAX_VALUES) p.values = p.values.slice(0, MAX_VALUES);
  // Points arrive in time order almost always; keep the array sorted for range scans.
  let i = s.points.length;
  while (i > 0 && (s.points[i - 1] as DatapointState).t > p.t) i--;
  s.points.splice(i, 0, p);
  if (s.points.length > MAX_POINTS) s.points.splice(0, s.points.length - MAX_POINTS);
}

function percentile(values: number[], p: number): number {
  const xs = [...values].sort((a, b) => a - b);
  if (!xs.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * xs.length) - 1;
  return xs[Math.min(xs.length - 1, Math.max(0, rank))] as number;
}

/** One statistic over the points of a bucket. */
export function statistic(points: DatapointState[], stat: string): number {
  let sum = 0;
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const values: number[] = [];
  for (const p of points) {
    sum += p.sum;
    count += p.count;
    min = Math.min(min, p.min);
    max = Math.max(max, p.max);
    if (p.values) values.push(...p.values);
    else values.push(p.count ? p.sum / p.count : p.sum);
  }
  switch (stat) {
    case 'Sum':
      return sum;
    case 'Average':
      return count ? sum / count : Number.NaN;
    case 'Minimum':
      return min;
    case 'Maximum':
      return max;
    case 'SampleCount':
      return count;
    default: {
      const m = /^p(\d+(?:\.\d+)?)$/i.exec(stat);
      if (m) return percentile(values, Number(m[1]));
      throw new SandboxApiError('InvalidParameterValue', `The value ${stat} for parameter Stat is not supported.`);
    }
  }
}

/** The datapoints of each period of a metric over [start, end), ascending (of `unit` only, when given). */
export function metricBuckets(
  w: WorldContext,
  m: MetricRef,
  periodS: number,
  start: number,
  end: number,
  unit?: string,
): Map<number, DatapointState[]> {
  const s = w.st.cloudwatch.metrics[metricKey(m)];
  const buckets = new Map<number, DatapointState[]>();
  if (!s) return buckets;
  const period = periodS * 1000;
  for (const p of s.points) {
    if (p.t < start || p.t >= end) continue;
    if (unit !== undefined && (p.unit ?? 'None') !== unit) continue;
    const b = Math.floor(p.t / period) * period;
    const arr = buckets.get(b);
    if (arr) arr.push(p);
    else buckets.set(b, [p]);
  }
  return new Map([...buckets].sort(([a], [c]) => a - c));
}

/** Per-period values of a metric over [start, end): ascending, only periods that have data. */
export function metricSeries(
  w: WorldContext,
  m: MetricRef,
  stat: string,
  periodS: number,
  start: number,
  end: number,
  unit?: string,
): Series {
  const out: Series = { ts: [], vals: [] };
  const buckets = metricBuckets(w, m, periodS, start, end, unit);
  for (const b of buckets.keys()) {
    out.ts.push(b);
    out.vals.push(statistic(buckets.get(b) as DatapointState[], stat));
  }
  return out;
}

export interface Query {
  Id: string;
  MetricStat?: Record<string, unknown>;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

function metricStatOf(q: Query): { ref: MetricRef; period: number; stat: string; unit?: string } {
  const ms = q.MetricStat as Record<string, unknown>;
  const metric = isRecord(ms.Metric) ? ms.Metric : {};
  return {
    ref: {
      namespace: String(metric.Namespace ?? ''),
      metricName: String(metric.MetricName ?? ''),
      dimensions: dimensionsOf(metric.Dimensions),
    },
    period: toNumber(ms.Period, 'Period') ?? 60,
    stat: String(ms.Stat ?? 'Average'),
    ...(typeof ms.Unit === 'string' ? { unit: ms.Unit } : {}),
  };
}

/** Evaluates a set of queries over [start, end); returns each query's result (a series, or a scalar). */
export function runQueries(w: WorldContext, queries: Query[], start: number, end: number): Map<string, Series> {
  const byId = new Map(queries.map((q) => [q.Id, q]));
  const periods = queries.filter((q) => q.MetricStat).map((q) => metricStatOf(q).period);
  const defaultPeriod = Math.max(60, ...periods, ...queries.map((q) => q.Period ?? 0));
  const results = new Map<string, MathValue>();
  const visiting = new Set<string>();
  const resolve = (id: string): MathValue => {
    const have = results.get(id);
    if (have !== undefined) return have;
    const q = byId.get(id);
    if (!q) throw new SandboxApiError('ValidationError', `Error in expression: Unrecognized metric id "${id}"`);
    if (visiting.has(id)) throw new SandboxApiError('ValidationError', `Circular reference to "${id}"`);
    visiting.add(id);
    let v: MathValue;
    if (q.MetricStat) {
      const m = metricStatOf(q);
      v = metricSeries(w, m.ref, m.stat, m.period, start, end, m.unit);
    } else if (isInsightsQuery(q.Expression ?? '')) {
      // A Metrics Insights query stands alone: its (first) series is its value.
      v = insightsSeries(w, q.Expression ?? '', q.Period ?? defaultPeriod, start, end)[0]?.series ?? { ts: [], vals: [] };
    } else {
      const expr = q.Expression ?? '';
      const node = parseExpression(expr);
      const period = (q.Period ?? defaultPeriod) * 1000;
      const grid: number[] = [];
      for (let t = Math.ceil(start / period) * period; t < end; t += period) grid.push(t);
      v = evaluate(node, resolve, grid, expr);
      if (typeof v === 'number') {
        // A scalar result is reported at the timestamps where its inputs have data.
        const ts = new Set<number>();
        for (const ref of referencedIds(node)) {
          const r = results.get(ref);
          if (r !== undefined && typeof r !== 'number') for (const t of r.ts) ts.add(t);
        }
        const sorted = [...ts].sort((a, b) => a - b);
        v = Number.isNaN(v) ? { ts: [], vals: [] } : { ts: sorted, vals: sorted.map(() => v as number) };
      }
    }
    visiting.delete(id);
    results.set(id, v);
    return v;
  };
  const out = new Map<string, Series>();
  for (const q of queries) {
    const v = resolve(q.Id);
    const s = typeof v === 'number' ? { ts: [], vals: [] } : v;
    const keep = s.vals.map((x) => !Number.isNaN(x) && Number.isFinite(x));
    out.set(q.Id, { ts: s.ts.filter((_, i) => keep[i]), vals: s.vals.filter((_, i) => keep[i]) });
  }
  return out;
}

export function parseQueries(v: unknown): Query[] {
  const qs = recordList(v).map((q, i) => {
    const id = String(q.Id ?? '');
    if (!/^[a-z][A-Za-z0-9_]*$/.test(id)) {
      throw new SandboxApiError(
        'ValidationError',
        `The value ${id} for parameter MetricDataQueries.member.Id is not valid: it must start with a lowercase letter.`,
      );
    }
    if (q.MetricStat !== undefined && q.Expression !== undefined) {
      throw new SandboxApiError('ValidationError', 'Exactly one of MetricStat and Expression must be set for each query.');
    }
    const query: Query = { Id: id };
    if (isRecord(q.MetricStat)) query.MetricStat = q.MetricStat;
    if (typeof q.Expression === 'string') query.Expression = q.Expression;
    if (typeof q.Label === 'string') query.Label = q.Label;
    if (q.ReturnData !== undefined) query.ReturnData = q.ReturnData === true || q.ReturnData === 'true';
    const p = toNumber(q.Period, 'Period');
    if (p !== undefined) query.Period = p;
    if (!query.MetricStat && query.Expression === undefined) {
      throw new SandboxApiError('ValidationError', `The parameter MetricDataQueries.member.${i + 1}.MetricStat is required.\n`);
    }
    return query;
  });
  const ids = new Set<string>();
  for (const q of qs) {
    if (ids.has(q.Id)) throw new SandboxApiError('ValidationError', `Duplicate query id ${q.Id}`);
    ids.add(q.Id);
  }
  return qs;
}

/** StartTime and EndTime to the second, as CloudWatch reads them: EndTime must come after StartTime. */
function timeRange(input: Input): { start: number; end: number } {
  const start = toMillis(input.StartTime);
  const end = toMillis(input.EndTime);
  if (start === undefined || end === undefined) throw new SandboxApiError('ValidationError', 'StartTime and EndTime are required');
  const startS = Math.floor(start / 1000);
  const endS = Math.floor(end / 1000);
  if (endS < startS) throw new SandboxApiError('ValidationError', 'The parameter EndTime must be greater than StartTime.');
  if (endS === startS) throw new SandboxApiError('ValidationError', 'The parameter StartTime must not equal parameter EndTime.');
  return { start, end };
}

interface ResultSeries {
  id: string;
  label: string;
  series: Series;
}

export function getMetricData(w: WorldContext, input: Input): Record<string, unknown> {
  const queries = parseQueries(input.MetricDataQueries);
  if (!queries.length) throw new SandboxApiError('ValidationError', 'MetricDataQueries is required');
  const range = timeRange(input);
  // StartTime is rounded down to the minute (§4.2).
  const start = Math.floor(range.start / 60_000) * 60_000;
  const end = range.end;
  const scanBy = optString(input, 'ScanBy') ?? 'TimestampDescending';
  const results = runQueries(w, queries, start, end);
  const max = toNumber(input.MaxDatapoints, 'MaxDatapoints') ?? 100_800;
  const returned: ResultSeries[] = queries
    .filter((q) => q.ReturnData !== false)
    .flatMap((q) => {
      if (isInsightsQuery(q.Expression ?? '')) {
        // One result per group; unlabelled, a group is named by its values, an ungrouped query by its id.
        return insightsSeries(w, q.Expression ?? '', q.Period ?? 60, start, end).map((g) => ({
          id: q.Id,
          label: q.Label ?? (g.group || q.Id),
          series: g.series,
        }));
      }
      return [{ id: q.Id, label: q.Label ?? (q.MetricStat ? metricStatOf(q).ref.metricName : q.Id), series: results.get(q.Id) as Series }];
    });
  const out = returned.map(({ id, label, series }) => {
    let ts = series.ts;
    let vals = series.vals;
    if (scanBy === 'TimestampDescending') {
      ts = [...ts].reverse();
      vals = [...vals].reverse();
    }
    return {
      Id: id,
      Label: label,
      Timestamps: ts.slice(0, max).map((t) => new Date(t)),
      Values: vals.slice(0, max),
      StatusCode: 'Complete',
      Messages: [],
    };
  });
  return { MetricDataResults: out, Messages: [] };
}

/** ListMetrics answers 500 metrics a page (API_ListMetrics). */
const LIST_PAGE = 500;

/** A Dimensions filter entry without Value matches any value of that dimension. */
function matchesDimensions(m: MetricSeriesState, filter: Record<string, unknown>[]): boolean {
  return filter.every((f) => m.dimensions.some((d) => d.Name === String(f.Name) && (f.Value === undefined || d.Value === String(f.Value))));
}

export function listMetrics(w: WorldContext, input: Input): Record<string, unknown> {
  const ns = optString(input, 'Namespace');
  const name = optString(input, 'MetricName');
  const dims = recordList(input.Dimensions);
  const metrics = Object.values(w.st.cloudwatch.metrics)
    .filter((m: MetricSeriesState) => (!ns || m.namespace === ns) && (!name || m.metricName === name) && matchesDimensions(m, dims))
    .map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ ...d })) }));
  const token = optString(input, 'NextToken');
  const start = token === undefined ? 0 : Number(token);
  // A token is the offset of the next page: one that points nowhere was not ours.
  if (token !== undefined && (!Number.isInteger(start) || start <= 0 || start >= metrics.length)) {
    throw new SandboxApiError('InvalidParameterValue', 'Request parameter NextToken is invalid');
  }
  const page = metrics.slice(start, start + LIST_PAGE);
  return { Metrics: page, ...(start + LIST_PAGE < metrics.length ? { NextToken: String(start + LIST_PAGE) } : {}) };
}

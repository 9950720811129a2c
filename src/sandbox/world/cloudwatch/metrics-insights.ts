/**
 * Metrics Insights queries in GetMetricData (`SELECT FUNC(metric) FROM "namespace" | SCHEMA("namespace", dim...)
 * [WHERE dim = 'v' [AND ...]] [GROUP BY dim, ...] [ORDER BY FUNC() ASC|DESC] [LIMIT n]`): the datapoints of every
 * matching metric, per period and per group, folded with the function. The subset covers what gates and
 * dashboards write; anything else is a ValidationError naming the query.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import type { DatapointState, MetricSeriesState } from '../types.js';
import type { Series } from './metric-math.js';
import { statistic } from './metrics.js';

const FUNCTIONS: Record<string, string> = { SUM: 'Sum', AVG: 'Average', MIN: 'Minimum', MAX: 'Maximum', COUNT: 'SampleCount' };

interface Condition {
  dimension: string;
  equals: boolean;
  value: string;
}

interface InsightsQuery {
  stat: string;
  metricName: string;
  namespace: string;
  /** SCHEMA(...): metrics must have exactly these dimensions. */
  schema?: string[];
  where: Condition[];
  groupBy: string[];
  order?: 'ASC' | 'DESC';
  limit?: number;
}

export function isInsightsQuery(expression: string): boolean {
  return /^\s*SELECT\s/i.test(expression);
}

const PATTERN =
  /^\s*SELECT\s+(\w+)\s*\(\s*"?([^")]+?)"?\s*\)\s+FROM\s+(SCHEMA\s*\(([^)]*)\)|"([^"]+)"|(\S+))(?:\s+WHERE\s+(.+?))?(?:\s+GROUP\s+BY\s+(.+?))?(?:\s+ORDER\s+BY\s+\w+\s*\(\s*\)\s*(ASC|DESC)?)?(?:\s+LIMIT\s+(\d+))?\s*$/i;

function unquote(s: string): string {
  return s.trim().replace(/^["']|["']$/g, '');
}

function parse(expression: string): InsightsQuery {
  const m = PATTERN.exec(expression);
  const stat = m ? FUNCTIONS[String(m[1]).toUpperCase()] : undefined;
  if (!m || !stat) throw new SandboxApiError('ValidationError', `Invalid Metrics Insights query "${expression}"`);
  const schema = m[4]?.split(',').map(unquote);
  const where = (m[7] ?? '')
    .split(/\s+AND\s+/i)
    .filter((c) => c.trim() !== '')
    .map((c) => {
      const cm = /^\s*"?([^"=!\s]+)"?\s*(=|!=)\s*'([^']*)'\s*$/.exec(c);
      if (!cm) throw new SandboxApiError('ValidationError', `Invalid Metrics Insights condition "${c.trim()}" in "${expression}"`);
      return { dimension: String(cm[1]), equals: cm[2] === '=', value: String(cm[3]) };
    });
  return {
    stat,
    metricName: String(m[2]),
    namespace: schema?.[0] ?? m[5] ?? String(m[6]),
    ...(schema ? { schema: schema.slice(1) } : {}),
    where,
    groupBy: (m[8] ?? '').split(',').map(unquote).filter(Boolean),
    ...(m[9] ? { order: m[9].toUpperCase() as 'ASC' | 'DESC' } : {}),
    ...(m[10] ? { limit: Number(m[10]) } : {}),
  };
}

function dimension(m: MetricSeriesState, name: string): string | undefined {
  return m.dimensions.find((d) => d.Name === name)?.Value;
}

function matches(m: MetricSeriesState, q: InsightsQuery): boolean {
  if (m.namespace !== q.namespace || m.metricName !== q.metricName) return false;
  if (q.schema && (m.dimensions.length !== q.schema.length || !q.schema.every((d) => dimension(m, d) !== undefined))) return false;
  return q.where.every((c) => (dimension(m, c.dimension) === c.value) === c.equals);
}

/** Each group's series (group: its GROUP BY values joined by spaces, '' without GROUP BY). */
export function insightsSeries(
  w: WorldContext,
  expression: string,
  periodS: number,
  start: number,
  end: number,
): { group: string; series: Series }[] {
  const q = parse(expression);
  const period = periodS * 1000;
  const groups = new Map<string, Map<number, DatapointState[]>>();
  for (const m of Object.values(w.st.cloudwatch.metrics)) {
    if (!matches(m, q)) continue;
    const values = q.groupBy.map((d) => dimension(m, d));
    if (values.some((v) => v === undefined)) continue;
    const key = values.join(' ');
    const buckets = groups.get(key) ?? new Map<number, DatapointState[]>();
    groups.set(key, buckets);
    for (const p of m.points) {
      if (p.t < start || p.t >= end) continue;
      const b = Math.floor(p.t / period) * period;
      buckets.set(b, [...(buckets.get(b) ?? []), p]);
    }
  }
  let out = [...groups].map(([group, buckets]) => {
    const ts = [...buckets.keys()].sort((a, b) => a - b);
    return { group, series: { ts, vals: ts.map((t) => statistic(buckets.get(t) ?? [], q.stat)) } };
  });
  if (q.order) {
    const total = (s: Series) => s.vals.reduce((a, b) => a + b, 0);
    out = out.sort((a, b) => (q.order === 'ASC' ? total(a.series) - total(b.series) : total(b.series) - total(a.series)));
  }
  return q.limit !== undefined ? out.slice(0, q.limit) : out;
}

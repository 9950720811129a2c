/**
 * A gate's metric checks as GetMetricData queries (aws-semantics.md §4.2). Pure.
 *
 * Every check's queries get ids unique across the whole request: check i's query `q` becomes `c<i>_q` on the canary
 * side and `s<i>_q` on the stable (baseline) side, and its expression, with the ids renamed, becomes `c<i>` /
 * `s<i>`. CloudWatch evaluates the expressions; the gate only reads their datapoints. The stable side is the same
 * check with every `targetGroup: canary` query moved to the stable target group. `minRequests` adds a RequestCount
 * Sum per side (`requests_canary`, `requests_stable`).
 */
import type { CloudWatchPort } from '../aws/ports.js';
import { expressionIds, type GateConfig, type MetricCheck, type MetricQuery } from '../model/strategy.js';
import { REQUEST_COUNT_PERIOD_S } from './schedule.js';
import type { GateTargets } from './types.js';

type GetMetricDataInput = Parameters<CloudWatchPort['getMetricData']>[0];
export type MetricDataQuery = NonNullable<GetMetricDataInput['MetricDataQueries']>[number];

type Side = 'canary' | 'stable';

/** The ids to read back for one metric check. */
interface CheckQueryIds {
  check: MetricCheck;
  /** The expression's id, per side (stable only for baseline checks). */
  value: Partial<Record<Side, string>>;
  /** The minSample query's id, per side. */
  sample: Partial<Record<Side, string>>;
}

export interface MetricQueryPlan {
  /** Each group must travel in one GetMetricData call (expressions see only their own call's ids). */
  groups: MetricDataQuery[][];
  checks: CheckQueryIds[];
  /** The minRequests RequestCount queries' ids, per side. */
  requests: Partial<Record<Side, string>>;
}

/** Rewrites the query ids of an expression (function names, keywords and quoted text stay). */
function renameExpressionIds(expression: string, rename: (id: string) => string): string {
  let out = expression;
  for (const { id, at } of expressionIds(expression).reverse()) out = out.slice(0, at) + rename(id) + out.slice(at + id.length);
  return out;
}

function dimensionsFor(q: MetricQuery, side: Side, targets: GateTargets): { Name: string; Value: string }[] {
  const dims: { Name: string; Value: string }[] = [];
  if (q.targetGroup !== undefined) {
    const ref = side === 'stable' && q.targetGroup === 'canary' ? 'stable' : q.targetGroup;
    const tg = targets.get(ref);
    if (!tg) throw new Error(`the gate's target groups were not resolved for \`${ref}\``);
    dims.push({ Name: 'TargetGroup', Value: tg.targetGroup }, { Name: 'LoadBalancer', Value: tg.loadBalancer });
  }
  for (const [Name, Value] of Object.entries(q.dimensions ?? {})) dims.push({ Name, Value });
  return dims;
}

function metricStat(q: MetricQuery, side: Side, targets: GateTargets): MetricDataQuery['MetricStat'] {
  const space = q.metric.indexOf(' ');
  return {
    Metric: {
      Namespace: q.metric.slice(0, space),
      MetricName: q.metric.slice(space + 1),
      Dimensions: dimensionsFor(q, side, targets),
    },
    Period: q.periodSeconds,
    Stat: q.stat,
  };
}

function checkQueries(
  check: MetricCheck,
  index: number,
  side: Side,
  targets: GateTargets,
): { queries: MetricDataQuery[]; value: string; sample?: string } {
  const prefix = `${side === 'canary' ? 'c' : 's'}${index}`;
  const idOf = (id: string) => `${prefix}_${id}`;
  const queries: MetricDataQuery[] = Object.entries(check.queries).map(([id, q]) => ({
    Id: idOf(id),
    MetricStat: metricStat(q, side, targets),
    // Inputs of the expression are not returned, except the one the minimum sample reads.
    ReturnData: check.minSample?.query === id,
  }));
  queries.push({
    Id: prefix,
    Expression: renameExpressionIds(check.expression, idOf),
    Label: `${check.name} (${side})`,
    ReturnData: true,
  });
  return { queries, value: prefix, ...(check.minSample && { sample: idOf(check.minSample.query) }) };
}

function requestCount(side: Side, targets: GateTargets): MetricDataQuery {
  const tg = targets.get(side);
  if (!tg) throw new Error(`the gate's target groups were not resolved for \`${side}\``);
  return {
    Id: `requests_${side}`,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [
          { Name: 'TargetGroup', Value: tg.targetGroup },
          { Name: 'LoadBalancer', Value: tg.loadBalancer },
        ],
      },
      Period: REQUEST_COUNT_PERIOD_S,
      Stat: 'Sum',
    },
    Label: `requests (${side})`,
    ReturnData: true,
  };
}

export function planMetricQueries(gate: GateConfig, targets: GateTargets): MetricQueryPlan {
  const plan: MetricQueryPlan = { groups: [], checks: [], requests: {} };
  gate.metrics.forEach((check, i) => {
    const sides: Side[] = check.baseline ? ['canary', 'stable'] : ['canary'];
    const group: MetricDataQuery[] = [];
    const ids: CheckQueryIds = { check, value: {}, sample: {} };
    for (const side of sides) {
      const q = checkQueries(check, i, side, targets);
      group.push(...q.queries);
      ids.value[side] = q.value;
      if (q.sample) ids.sample[side] = q.sample;
    }
    plan.groups.push(group);
    plan.checks.push(ids);
  });
  if (gate.minRequests !== undefined) {
    const sides: Side[] = gate.metrics.some((m) => m.baseline) ? ['canary', 'stable'] : ['canary'];
    for (const side of sides) {
      plan.groups.push([requestCount(side, targets)]);
      plan.requests[side] = `requests_${side}`;
    }
  }
  return plan;
}

/** Packs query groups into as few calls as the 500-query limit allows, keeping each group whole. */
export function packQueries(groups: readonly MetricDataQuery[][], limit = 500): MetricDataQuery[][] {
  const calls: MetricDataQuery[][] = [];
  let current: MetricDataQuery[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > limit) {
      calls.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * One evaluation of a gate: ONE DescribeAlarms naming every alarm (metric and composite: without `AlarmTypes` only
 * metric alarms come back, aws-semantics.md §4.1) and ONE GetMetricData holding every query of every check, both
 * sides (§4.2), made side by side. Calls are split only past the APIs' limits (100 alarm names, 500 queries), and
 * `NextToken` is followed. A call that fails (after the SDK's retries) makes its checks inconclusive, with the
 * error as their evidence; an aborted signal rejects.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { GateConfig } from '../model/strategy.js';
import { type AlarmReading, judgeAlarm, judgeMetric, type MetricReading, type Sample } from './judge.js';
import { type MetricDataQuery, type MetricQueryPlan, packQueries, planMetricQueries } from './metric-queries.js';
import { evaluationOutcome } from './policy.js';
import type { GateCheckEvidence, GateEvaluation, GateTargets, GateWindow } from './types.js';

/** DescribeAlarms: at most 100 names per call and per page. */
const ALARM_NAMES_PER_CALL = 100;

export interface EvaluationInput {
  gate: GateConfig;
  targets: GateTargets;
  /** When the hold started: an alarm in ALARM since before then fails the gate at once. */
  holdStart: number;
  index: number;
  at: number;
  window: GateWindow | undefined;
  /** Task checks that finished since the previous evaluation. */
  tasks: GateCheckEvidence[];
}

export interface EvaluationDeps {
  ports: AwsPorts;
  signal: AbortSignal;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readAlarms(ports: AwsPorts, names: string[], signal: AbortSignal): Promise<Map<string, AlarmReading>> {
  const found = new Map<string, AlarmReading>();
  for (let i = 0; i < names.length; i += ALARM_NAMES_PER_CALL) {
    const batch = names.slice(i, i + ALARM_NAMES_PER_CALL);
    let nextToken: string | undefined;
    do {
      const out = await ports.cloudwatch.describeAlarms(
        {
          AlarmNames: batch,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: ALARM_NAMES_PER_CALL,
          ...(nextToken !== undefined && { NextToken: nextToken }),
        },
        { signal },
      );
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (!a.AlarmName) continue;
        found.set(a.AlarmName, {
          name: a.AlarmName,
          state: a.StateValue,
          transitionedAt: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)?.getTime(),
          reason: a.StateReason,
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
  }
  return found;
}

interface SeriesResult {
  points: { t: number; v: number }[];
  status: string | undefined;
  messages: string[];
}

async function readMetrics(
  ports: AwsPorts,
  plan: MetricQueryPlan,
  window: GateWindow,
  signal: AbortSignal,
): Promise<Map<string, SeriesResult>> {
  const results = new Map<string, SeriesResult>();
  const call = async (queries: MetricDataQuery[]) => {
    let nextToken: string | undefined;
    do {
      const out = await ports.cloudwatch.getMetricData(
        {
          MetricDataQueries: queries,
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          ScanBy: 'TimestampDescending',
          ...(nextToken !== undefined && { NextToken: nextToken }),
        },
        { signal },
      );
      for (const r of out.MetricDataResults ?? []) {
        if (!r.Id) continue;
        const entry = results.get(r.Id) ?? { points: [], status: undefined, messages: [] };
        const ts = r.Timestamps ?? [];
        (r.Values ?? []).forEach((v, i) => {
          const t = ts[i];
          if (t !== undefined && Number.isFinite(v)) entry.points.push({ t: t.getTime(), v });
        });
        entry.status = r.StatusCode;
        for (const m of r.Messages ?? []) if (m.Value) entry.messages.push(m.Value);
        results.set(r.Id, entry);
      }
      nextToken = out.NextToken;
    } while (nextToken);
  };
  // Expressions see only the ids of their own call: packing keeps each check's queries together.
  await Promise.all(packQueries(plan.groups).map(call));
  return results;
}

/** The latest datapoint's value; undefined without datapoints. */
function latest(r: SeriesResult | undefined): number | undefined {
  let best: { t: number; v: number } | undefined;
  for (const p of r?.points ?? []) if (!best || p.t > best.t) best = p;
  return best?.v;
}

function sum(r: SeriesResult | undefined): number {
  return (r?.points ?? []).reduce((acc, p) => acc + p.v, 0);
}

/** Why CloudWatch's answer for these ids cannot be trusted, if it cannot (Forbidden, InternalError). */
function resultError(results: Map<string, SeriesResult>, ids: (string | undefined)[]): string | undefined {
  for (const id of ids) {
    const r = id === undefined ? undefined : results.get(id);
    if (r?.status && r.status !== 'Complete' && r.status !== 'PartialData') {
      return `CloudWatch answered ${r.status}${r.messages.length ? `: ${r.messages.join('; ')}` : ''}`;
    }
  }
  return undefined;
}

function metricReadings(gate: GateConfig, plan: MetricQueryPlan, results: Map<string, SeriesResult>): MetricReading[] {
  const requests: Sample[] = [];
  if (gate.minRequests !== undefined) {
    for (const side of ['canary', 'stable'] as const) {
      const id = plan.requests[side];
      if (id !== undefined) requests.push({ name: `requests (${side})`, side, value: sum(results.get(id)), min: gate.minRequests });
    }
  }
  return plan.checks.map(({ check, value, sample }) => {
    const samples: Sample[] = requests.filter((s) => s.side === 'canary' || check.baseline);
    if (check.minSample) {
      for (const side of ['canary', 'stable'] as const) {
        const id = sample[side];
        if (id !== undefined) {
          samples.push({ name: `${check.minSample.query} (${side})`, side, value: latest(results.get(id)) ?? 0, min: check.minSample.min });
        }
      }
    }
    const error = resultError(results, [
      value.canary,
      value.stable,
      sample.canary,
      sample.stable,
      plan.requests.canary,
      plan.requests.stable,
    ]);
    return {
      canary: latest(results.get(value.canary ?? '')),
      stable: value.stable === undefined ? undefined : latest(results.get(value.stable)),
      samples,
      ...(error !== undefined && { error }),
    };
  });
}

/** Runs one evaluation and judges every check. */
export async function evaluateGate(input: EvaluationInput, deps: EvaluationDeps): Promise<GateEvaluation> {
  const { gate, targets, window } = input;
  const { ports, signal } = deps;
  const plan = window && gate.metrics.length ? planMetricQueries(gate, targets) : undefined;
  const settle = <T>(p: Promise<T>): Promise<{ ok: T } | { error: string }> =>
    p.then(
      (ok) => ({ ok }),
      (error: unknown) => {
        if (signal.aborted) throw error;
        return { error: message(error) };
      },
    );
  const [alarms, metrics] = await Promise.all([
    gate.alarms.length ? settle(readAlarms(ports, gate.alarms, signal)) : undefined,
    plan && window ? settle(readMetrics(ports, plan, window, signal)) : undefined,
  ]);

  const checks: GateCheckEvidence[] = [];
  if (alarms) {
    for (const name of gate.alarms) {
      checks.push(
        'error' in alarms
          ? { name, kind: 'alarm', outcome: 'inconclusive', detail: `DescribeAlarms failed: ${alarms.error}` }
          : judgeAlarm(name, alarms.ok.get(name), input.holdStart),
      );
    }
  }
  if (plan && metrics) {
    const readings =
      'error' in metrics
        ? plan.checks.map(
            (): MetricReading => ({ canary: undefined, stable: undefined, samples: [], error: `GetMetricData failed: ${metrics.error}` }),
          )
        : metricReadings(gate, plan, metrics.ok);
    plan.checks.forEach((c, i) => {
      checks.push(judgeMetric(c.check, readings[i] as MetricReading, gate.noData));
    });
  }
  checks.push(...input.tasks);
  return { index: input.index, at: input.at, window, outcome: evaluationOutcome(checks), checks };
}

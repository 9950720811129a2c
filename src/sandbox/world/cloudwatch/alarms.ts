/**
 * CloudWatch alarms (§4.1): PutMetricAlarm, DescribeAlarms (composites only when AlarmTypes asks), SetAlarmState,
 * DeleteAlarms, and evaluation every simulated minute with period, EvaluationPeriods, DatapointsToAlarm,
 * threshold, comparison operator and TreatMissingData.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, date, isRecord, list, optString, reqString, toNumber, type Input } from '../input.js';
import type { AlarmState, JsonObject } from '../types.js';
import { dimensionsOf, metricSeries, parseQueries, runQueries } from './metrics.js';

const NUMERIC = ['Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold', 'EvaluationInterval'];
const OPERATORS: Record<string, [string, (v: number, t: number) => boolean]> = {
  GreaterThanOrEqualToThreshold: ['greater than or equal to', (v, t) => v >= t],
  GreaterThanThreshold: ['greater than', (v, t) => v > t],
  LessThanThreshold: ['less than', (v, t) => v < t],
  LessThanOrEqualToThreshold: ['less than or equal to', (v, t) => v <= t],
};

/** Extended statistics AWS accepts (API_PutMetricAlarm ExtendedStatistic): p, tm, tc, ts, wm, IQM, and ranges. */
const EXTENDED = /^(?:(?:p|tm|tc|ts|wm)\d{1,2}(?:\.\d+)?|p100|IQM|(?:PR|TC|TM|TS|WM)\([^:)]*:[^:)]*\))$/;

function checkStatistics(c: JsonObject): void {
  if (typeof c.ExtendedStatistic === 'string' && !EXTENDED.test(c.ExtendedStatistic)) {
    throw new SandboxApiError(
      'InvalidParameterValue',
      `The value ${c.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`,
    );
  }
  const low = c.EvaluateLowSampleCountPercentile;
  if (low !== undefined && low !== 'evaluate' && low !== 'ignore') {
    throw new SandboxApiError(
      'ValidationError',
      `Option ${String(low)} is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.`,
    );
  }
}

export function putMetricAlarm(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'AlarmName', 'ValidationError');
  const config = clone(input) as JsonObject;
  for (const k of NUMERIC) {
    const v = toNumber(config[k], k);
    if (v !== undefined) config[k] = v;
  }
  if (config.EvaluationPeriods === undefined) throw new SandboxApiError('ValidationError', 'EvaluationPeriods is required');
  if (config.ComparisonOperator === undefined) throw new SandboxApiError('ValidationError', 'ComparisonOperator is required');
  if (config.Metrics === undefined && config.MetricName === undefined) {
    throw new SandboxApiError('ValidationError', 'Either MetricName or Metrics must be specified');
  }
  if (config.Metrics !== undefined) parseQueries(config.Metrics);
  checkStatistics(config);
  const existing = w.st.cloudwatch.alarms[name];
  w.st.cloudwatch.alarms[name] = {
    config,
    name,
    arn: w.arn('cloudwatch', `alarm:${name}`),
    stateValue: existing?.stateValue ?? 'INSUFFICIENT_DATA',
    stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
    stateReasonData: existing?.stateReasonData,
    stateUpdatedAt: existing?.stateUpdatedAt ?? w.now,
    stateTransitionedAt: existing?.stateTransitionedAt ?? w.now,
    configurationUpdatedAt: w.now,
    composite: false,
  };
  return {};
}

export function putCompositeAlarm(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'AlarmName', 'ValidationError');
  reqString(input, 'AlarmRule', 'ValidationError');
  const existing = w.st.cloudwatch.alarms[name];
  w.st.cloudwatch.alarms[name] = {
    config: clone(input) as JsonObject,
    name,
    arn: w.arn('cloudwatch', `alarm:${name}`),
    stateValue: existing?.stateValue ?? 'INSUFFICIENT_DATA',
    stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
    stateUpdatedAt: existing?.stateUpdatedAt ?? w.now,
    stateTransitionedAt: existing?.stateTransitionedAt ?? w.now,
    configurationUpdatedAt: w.now,
    composite: true,
  };
  return {};
}

function alarmOut(a: AlarmState): Record<string, unknown> {
  const c = clone(a.config) as Record<string, unknown>;
  delete c.Tags;
  const common = {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configurationUpdatedAt),
    ActionsEnabled: c.ActionsEnabled ?? true,
    OKActions: c.OKActions ?? [],
    AlarmActions: c.AlarmActions ?? [],
    InsufficientDataActions: c.InsufficientDataActions ?? [],
    StateValue: a.stateValue,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdatedAt),
    StateTransitionedTimestamp: date(a.stateTransitionedAt),
  };
  if (a.composite) return compact({ ...c, ...common });
  // AWS lists Dimensions (empty when none) and leaves TreatMissingData out when it was not set (default `missing`).
  return compact({ ...c, ...common, Dimensions: c.Dimensions ?? [] });
}

export function describeAlarms(w: WorldContext, input: Input): Record<string, unknown> {
  const names = list(input.AlarmNames).map(String);
  const prefix = optString(input, 'AlarmNamePrefix');
  const state = optString(input, 'StateValue');
  // Without AlarmTypes only metric alarms come back (§4.1).
  const types = list(input.AlarmTypes).map(String);
  const wantMetric = !types.length || types.includes('MetricAlarm');
  const wantComposite = types.includes('CompositeAlarm');
  let alarms = Object.values(w.st.cloudwatch.alarms);
  if (names.length) alarms = alarms.filter((a) => names.includes(a.name));
  if (prefix) alarms = alarms.filter((a) => a.name.startsWith(prefix));
  if (state) alarms = alarms.filter((a) => a.stateValue === state);
  alarms.sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    MetricAlarms: wantMetric ? alarms.filter((a) => !a.composite).map(alarmOut) : [],
    CompositeAlarms: wantComposite ? alarms.filter((a) => a.composite).map(alarmOut) : [],
  };
}

/** The metric alarms watching exactly this metric (not math or composite alarms), narrowed by the filters given. */
export function describeAlarmsForMetric(w: WorldContext, input: Input): Record<string, unknown> {
  const metricName = reqString(input, 'MetricName', 'ValidationError');
  const namespace = reqString(input, 'Namespace', 'ValidationError');
  const dims =
    input.Dimensions !== undefined ? JSON.stringify(dimensionsOf(input.Dimensions).sort((a, b) => (a.Name < b.Name ? -1 : 1))) : undefined;
  const filters: [string, unknown][] = ['Statistic', 'ExtendedStatistic', 'Period', 'Unit'].map((k) => [k, input[k]]);
  const alarms = Object.values(w.st.cloudwatch.alarms).filter((a) => {
    const c = a.config;
    if (a.composite || c.MetricName !== metricName || c.Namespace !== namespace) return false;
    if (dims !== undefined && JSON.stringify(dimensionsOf(c.Dimensions).sort((x, y) => (x.Name < y.Name ? -1 : 1))) !== dims) return false;
    return filters.every(([k, v]) => v === undefined || String(c[k]) === String(v));
  });
  return { MetricAlarms: alarms.sort((a, b) => (a.name < b.name ? -1 : 1)).map(alarmOut) };
}

export function deleteAlarms(w: WorldContext, input: Input): Record<string, unknown> {
  for (const n of list(input.AlarmNames).map(String)) delete w.st.cloudwatch.alarms[n];
  return {};
}

/** Anything monitoring an alarm gets a look right away when it enters ALARM. */
function wakeWatchers(w: WorldContext, name: string): void {
  for (const c of Object.values(w.st.ecs.clusters)) {
    for (const s of Object.values(c.services)) {
      const p = s.deployments[0];
      const al = s.deploymentConfiguration.alarms;
      if (p?.rolloutState === 'IN_PROGRESS' && isRecord(al) && list(al.alarmNames).includes(name)) w.activateService(s.serviceArn);
    }
  }
}

export function transition(w: WorldContext, a: AlarmState, value: AlarmState['stateValue'], reason: string, data?: string): void {
  a.stateUpdatedAt = w.now;
  a.stateReason = reason;
  a.stateReasonData = data;
  if (a.stateValue !== value) {
    a.stateValue = value;
    a.stateTransitionedAt = w.now;
    if (value === 'ALARM') wakeWatchers(w, a.name);
  }
}

export function setAlarmState(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'AlarmName', 'ValidationError');
  const a = w.st.cloudwatch.alarms[name];
  if (!a) throw new SandboxApiError('ResourceNotFound', `Alarm ${name} not found`, 404);
  const value = reqString(input, 'StateValue', 'ValidationError');
  if (value !== 'OK' && value !== 'ALARM' && value !== 'INSUFFICIENT_DATA')
    throw new SandboxApiError('ValidationError', 'Invalid StateValue');
  transition(w, a, value, reqString(input, 'StateReason', 'ValidationError'), optString(input, 'StateReasonData'));
  // The alarm holds the state until its next evaluation, one period from now.
  const period = typeof a.config.Period === 'number' ? a.config.Period : 60;
  a.manualUntil = w.now + period * 1000;
  return {};
}

function fmt(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Values of the alarm's metric for each of its last `n` periods ending at `end` (undefined = missing). */
export function alarmPeriodValues(w: WorldContext, a: AlarmState, end: number): { t: number; v: number | undefined }[] {
  const c = a.config;
  const n = typeof c.EvaluationPeriods === 'number' ? c.EvaluationPeriods : 1;
  let periodS = typeof c.Period === 'number' ? c.Period : 60;
  let series: { ts: number[]; vals: number[] };
  if (c.Metrics !== undefined) {
    const queries = parseQueries(c.Metrics);
    const ret = queries.find((q) => q.ReturnData !== false) ?? queries[0];
    const ms = ret?.MetricStat;
    periodS = ret?.Period ?? (isRecord(ms) && typeof ms.Period === 'number' ? ms.Period : periodS);
    const start = end - n * periodS * 1000;
    series = ret ? (runQueries(w, queries, start, end).get(ret.Id) ?? { ts: [], vals: [] }) : { ts: [], vals: [] };
  } else {
    const stat = typeof c.ExtendedStatistic === 'string' ? c.ExtendedStatistic : typeof c.Statistic === 'string' ? c.Statistic : 'Average';
    const start = end - n * periodS * 1000;
    series = metricSeries(
      w,
      { namespace: String(c.Namespace ?? ''), metricName: String(c.MetricName ?? ''), dimensions: dimensionsOf(c.Dimensions) },
      stat,
      periodS,
      start,
      end,
    );
  }
  const out: { t: number; v: number | undefined }[] = [];
  for (let k = n; k >= 1; k--) {
    const t = end - k * periodS * 1000;
    const i = series.ts.indexOf(t);
    out.push({ t, v: i >= 0 ? series.vals[i] : undefined });
  }
  return out;
}

/** One evaluation at `w.now` (a minute boundary). */
export function evaluateAlarm(w: WorldContext, a: AlarmState): void {
  if (a.composite) {
    evaluateComposite(w, a);
    return;
  }
  if (a.manualUntil !== undefined) {
    if (w.now < a.manualUntil) return;
    delete a.manualUntil;
  }
  const c = a.config;
  const periodS = typeof c.Period === 'number' ? c.Period : 60;
  const end = Math.floor(w.now / (periodS * 1000)) * periodS * 1000;
  const points = alarmPeriodValues(w, a, end);
  const n = points.length;
  const m = typeof c.DatapointsToAlarm === 'number' ? c.DatapointsToAlarm : n;
  const threshold = typeof c.Threshold === 'number' ? c.Threshold : 0;
  const opName = String(c.ComparisonOperator);
  const op = OPERATORS[opName];
  if (!op) return;
  const treat = typeof c.TreatMissingData === 'string' ? c.TreatMissingData : 'missing';
  let breaching = 0;
  let present = 0;
  for (const p of points) {
    if (p.v === undefined) {
      if (treat === 'breaching') {
        breaching++;
        present++;
      } else if (treat === 'notBreaching') present++;
      continue;
    }
    present++;
    if (op[1](p.v, threshold)) breaching++;
  }
  const data = points.filter((p) => p.v !== undefined);
  const shown = data.map((p) => `${Number((p.v as number).toFixed(6))} (${fmt(p.t)})`).join(', ');
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(w.now).toISOString(),
    startDate: new Date(points[0]?.t ?? end).toISOString(),
    statistic: c.Statistic ?? c.ExtendedStatistic,
    period: periodS,
    recentDatapoints: data.map((p) => p.v),
    threshold,
  });
  if (present === 0) {
    // `missing`: no data at all is INSUFFICIENT_DATA; `ignore`: the current state is kept.
    if (treat === 'ignore') return;
    if (a.stateValue !== 'INSUFFICIENT_DATA') {
      transition(w, a, 'INSUFFICIENT_DATA', `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`, reasonData);
    }
    return;
  }
  const verb = op[0];
  if (breaching >= m) {
    if (a.stateValue !== 'ALARM') {
      transition(
        w,
        a,
        'ALARM',
        `Threshold Crossed: ${breaching} out of the last ${n} datapoints [${shown}] ${breaching === 1 ? 'was' : 'were'} ${verb} the threshold (${threshold}) (minimum ${m} datapoint${m === 1 ? '' : 's'} for OK -> ALARM transition).`,
        reasonData,
      );
    }
  } else if (a.stateValue !== 'OK') {
    transition(
      w,
      a,
      'OK',
      `Threshold Crossed: ${n - breaching} out of the last ${n} datapoints [${shown}] ${n - breaching === 1 ? 'was' : 'were'} not ${verb} the threshold (${threshold}) (minimum ${n - m + 1} datapoint${n - m + 1 === 1 ? '' : 's'} for ALARM -> OK transition).`,
      reasonData,
    );
  }
}

/** `ALARM(x) OR ALARM(y)`, `OK(x)`, `INSUFFICIENT_DATA(x)`, AND/OR/NOT, parentheses, TRUE/FALSE. */
function evaluateComposite(w: WorldContext, a: AlarmState): void {
  const rule = String(a.config.AlarmRule ?? '');
  const js = rule
    .replace(/\b(ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^)"]+?)"?\s*\)/g, (_, st: string, n: string) => {
      const name = n.includes(':alarm:') ? (n.split(':alarm:')[1] ?? n) : n;
      return w.st.cloudwatch.alarms[name]?.stateValue === st ? ' T ' : ' F ';
    })
    .replace(/\bTRUE\b/g, ' T ')
    .replace(/\bFALSE\b/g, ' F ');
  const toks = js.match(/T|F|AND|OR|NOT|\(|\)/g) ?? [];
  let p = 0;
  const orE = (): boolean => {
    let v = andE();
    while (toks[p] === 'OR') {
      p++;
      const r = andE();
      v = v || r;
    }
    return v;
  };
  const andE = (): boolean => {
    let v = notE();
    while (toks[p] === 'AND') {
      p++;
      const r = notE();
      v = v && r;
    }
    return v;
  };
  const notE = (): boolean => {
    const t = toks[p++];
    if (t === 'NOT') return !notE();
    if (t === '(') {
      const v = orE();
      p++;
      return v;
    }
    return t === 'T';
  };
  const value = toks.length ? orE() : false;
  const next = value ? 'ALARM' : 'OK';
  if (a.stateValue !== next) transition(w, a, next, `Alarm rule ${value ? 'became TRUE' : 'became FALSE'}: ${rule}`);
}

export function evaluateAlarms(w: WorldContext): void {
  const all = Object.values(w.st.cloudwatch.alarms);
  for (const a of all) if (!a.composite) evaluateAlarm(w, a);
  for (const a of all) if (a.composite) evaluateAlarm(w, a);
}

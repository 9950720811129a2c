/**
 * PutMetricData, checked as CloudWatch checks it (API_MetricDatum): a value is a number (not NaN), Value,
 * Values and StatisticValues exclude each other, Counts has one entry per value. Each datapoint keeps its unit.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { isRecord, list, optString, toMillis, toNumber, type Input } from '../input.js';
import { dimensionsOf, type MetricRef, putDatapoint } from './metrics.js';

function invalid(code: string, message: string): never {
  throw new SandboxApiError(code, message);
}

/** A number the datum carries; NaN (the SDK sends it as text) is refused as CloudWatch refuses it. */
function value(v: unknown, path: string): number {
  if (v === 'NaN' || (typeof v === 'number' && Number.isNaN(v)))
    invalid('InvalidParameterValue', `The value NaN for parameter ${path} is invalid.`);
  return toNumber(v, path) ?? 0;
}

export function putMetricData(w: WorldContext, input: Input): Record<string, unknown> {
  const namespace = optString(input, 'Namespace');
  if (!namespace) throw new SandboxApiError('InvalidParameterValue', 'Namespace is required');
  const data = list(input.MetricData).filter(isRecord);
  // Everything is checked before anything is stored.
  data.forEach((d, i) => {
    const at = `MetricData.member.${i + 1}`;
    if (d.Value !== undefined) value(d.Value, `${at}.Value`);
    if (d.Value !== undefined && d.Values !== undefined) {
      invalid('InvalidParameterValue', `The parameters ${at}.Value and ${at}.Values are mutually exclusive and you have specified both.`);
    }
    if (d.Value !== undefined && d.StatisticValues !== undefined) {
      invalid(
        'InvalidParameterCombination',
        `The parameters ${at}.Value and ${at}.StatisticValues are mutually exclusive and you have specified both.`,
      );
    }
    for (const [k, v] of list(d.Values).entries()) value(v, `${at}.Values.member.${k + 1}`);
    if (d.Counts !== undefined && list(d.Counts).length !== list(d.Values).length) {
      invalid('InvalidParameterValue', `The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
    }
  });
  for (const d of data) {
    const ref: MetricRef = { namespace, metricName: String(d.MetricName ?? ''), dimensions: dimensionsOf(d.Dimensions) };
    const t = toMillis(d.Timestamp) ?? w.now;
    const unit = typeof d.Unit === 'string' ? d.Unit : undefined;
    if (isRecord(d.StatisticValues)) {
      const sv = d.StatisticValues;
      putDatapoint(w, ref, {
        t,
        sum: toNumber(sv.Sum) ?? 0,
        count: toNumber(sv.SampleCount) ?? 1,
        min: toNumber(sv.Minimum) ?? 0,
        max: toNumber(sv.Maximum) ?? 0,
        ...(unit ? { unit } : {}),
      });
      continue;
    }
    const values = d.Values !== undefined ? list(d.Values).map((x) => toNumber(x) ?? 0) : [toNumber(d.Value) ?? 0];
    if (!values.length) continue;
    const counts = d.Counts !== undefined ? list(d.Counts).map((x) => toNumber(x) ?? 1) : values.map(() => 1);
    let sum = 0;
    let count = 0;
    const raw: number[] = [];
    values.forEach((v, i) => {
      const c = counts[i] ?? 1;
      sum += v * c;
      count += c;
      for (let k = 0; k < Math.min(c, 10); k++) raw.push(v);
    });
    putDatapoint(w, ref, { t, sum, count, min: Math.min(...values), max: Math.max(...values), values: raw, ...(unit ? { unit } : {}) });
  }
  return {};
}

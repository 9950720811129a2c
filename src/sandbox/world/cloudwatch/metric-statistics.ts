/**
 * GetMetricStatistics (API_GetMetricStatistics): one datapoint per period with data, carrying the statistics
 * asked for (Statistics and/or ExtendedStatistics percentiles) and the datapoints' unit.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { list, optString, reqString, toMillis, toNumber, type Input } from '../input.js';
import { dimensionsOf, metricBuckets, statistic } from './metrics.js';

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

export function getMetricStatistics(w: WorldContext, input: Input): Record<string, unknown> {
  const namespace = reqString(input, 'Namespace', 'InvalidParameterValue');
  const metricName = reqString(input, 'MetricName', 'InvalidParameterValue');
  const start = toMillis(input.StartTime);
  const end = toMillis(input.EndTime);
  if (start === undefined || end === undefined) throw new SandboxApiError('InvalidParameterValue', 'StartTime and EndTime are required');
  if (Math.floor(start / 1000) >= Math.floor(end / 1000)) {
    throw new SandboxApiError('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
  }
  const period = toNumber(input.Period, 'Period');
  if (period === undefined || period < 1) throw new SandboxApiError('InvalidParameterValue', 'The parameter Period is required.');
  const stats = list(input.Statistics).map(String);
  const extended = list(input.ExtendedStatistics).map(String);
  if (!stats.length && !extended.length) {
    throw new SandboxApiError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics');
  }
  for (const s of stats) {
    if (!STATISTICS.includes(s))
      throw new SandboxApiError('InvalidParameterValue', `The value ${s} for parameter Statistics is not supported.`);
  }
  const unit = optString(input, 'Unit');
  const buckets = metricBuckets(w, { namespace, metricName, dimensions: dimensionsOf(input.Dimensions) }, period, start, end, unit);
  const datapoints = [...buckets].map(([t, points]) => {
    const dp: Record<string, unknown> = { Timestamp: new Date(t) };
    for (const s of stats) dp[s] = statistic(points, s);
    if (extended.length) dp.ExtendedStatistics = Object.fromEntries(extended.map((p) => [p, statistic(points, p)]));
    dp.Unit = unit ?? points[0]?.unit ?? 'None';
    return dp;
  });
  return { Label: metricName, Datapoints: datapoints };
}

/**
 * CloudWatch through the real SDK: PutMetricData checked as CloudWatch checks it, GetMetricStatistics,
 * GetMetricData with units, time checks and Metrics Insights queries, ListMetrics filters and pages, alarm
 * statistics, DescribeAlarmsForMetric.
 */
import {
  CloudWatchClient,
  DescribeAlarmsForMetricCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  type MetricDatum,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

function account() {
  const sb = startInProcessSandbox();
  const cw = new CloudWatchClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  const now = new Date(sb.clock.now());
  const window = { StartTime: new Date(now.getTime() - 120_000), EndTime: new Date(now.getTime() + 120_000) };
  const put = (MetricData: MetricDatum[]) => cw.send(new PutMetricDataCommand({ Namespace: 'shop', MetricData }));
  return { sb, cw, now, window, put };
}

/** The SDK names CloudWatch's query error codes as exceptions: InvalidParameterValue → InvalidParameterValueException. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('PutMetricData', () => {
  it('refuses NaN, Value with Values or StatisticValues, and Counts that do not match Values', async () => {
    const { put } = account();
    expect(await failure(put([{ MetricName: 'm', Value: Number.NaN }]))).toBe(
      'InvalidParameterValueException: The value NaN for parameter MetricData.member.1.Value is invalid.',
    );
    expect(await failure(put([{ MetricName: 'm', Value: 1, Values: [1, 2] }]))).toBe(
      'InvalidParameterValueException: The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you have specified both.',
    );
    expect(await failure(put([{ MetricName: 'm', Values: [1, 2], Counts: [1] }]))).toBe(
      'InvalidParameterValueException: The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size.',
    );
    expect(await failure(put([{ MetricName: 'm', Value: 1, StatisticValues: { Sum: 1, SampleCount: 1, Minimum: 1, Maximum: 1 } }]))).toBe(
      'InvalidParameterCombinationException: The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.',
    );
  });
});

describe('GetMetricStatistics', () => {
  it('answers the statistics asked for, per period, for exactly the dimensions given', async () => {
    const { cw, now, window, put } = account();
    const dim = [{ Name: 'service', Value: 'web' }];
    await put([{ MetricName: 'latency', Dimensions: dim, Values: [1, 10], Counts: [2, 4], Unit: 'Milliseconds', Timestamp: now }]);
    await put([{ MetricName: 'latency', Dimensions: [...dim, { Name: 'az', Value: 'a' }], Value: 100, Timestamp: now }]);
    const stats = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'shop',
        MetricName: 'latency',
        Dimensions: dim,
        Period: 60,
        Statistics: ['SampleCount', 'Sum', 'Maximum'],
        ...window,
      }),
    );
    expect(stats.Label).toBe('latency');
    expect(stats.Datapoints?.map(({ SampleCount, Sum, Maximum, Unit }) => ({ SampleCount, Sum, Maximum, Unit }))).toEqual([
      { SampleCount: 6, Sum: 42, Maximum: 10, Unit: 'Milliseconds' },
    ]);
    const none = await cw.send(
      new GetMetricStatisticsCommand({ Namespace: 'shop', MetricName: 'latency', Period: 60, Statistics: ['Sum'], ...window }),
    );
    expect(none.Datapoints).toEqual([]);
  });

  it('needs StartTime before EndTime and a statistic', async () => {
    const { cw, now } = account();
    const get = (extra: object) =>
      failure(
        cw.send(
          new GetMetricStatisticsCommand({
            Namespace: 'shop',
            MetricName: 'm',
            Period: 60,
            StartTime: now,
            EndTime: new Date(now.getTime() + 60_000),
            ...extra,
          }),
        ),
      );
    expect(await get({ EndTime: now, Statistics: ['Sum'] })).toBe(
      'InvalidParameterValueException: The parameter StartTime must be less than the parameter EndTime.',
    );
    expect(await get({})).toBe('InvalidParameterCombinationException: Must specify either Statistics or ExtendedStatistics');
  });
});

describe('GetMetricData', () => {
  it('sees only the datapoints of the unit a query names', async () => {
    const { cw, now, window, put } = account();
    await put([
      { MetricName: 'jobs', Value: 5, Unit: 'Count', Timestamp: now },
      { MetricName: 'jobs', Value: 7, Timestamp: now },
    ]);
    const stat = (Unit?: 'Count') => ({
      Metric: { Namespace: 'shop', MetricName: 'jobs' },
      Period: 60,
      Stat: 'SampleCount',
      ...(Unit ? { Unit } : {}),
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          { Id: 'all', MetricStat: stat() },
          { Id: 'counted', MetricStat: stat('Count') },
        ],
        ...window,
      }),
    );
    expect(out.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([
      ['all', [2]],
      ['counted', [1]],
    ]);
  });

  it('checks the time range and that a query has a MetricStat or an Expression', async () => {
    const { cw, now } = account();
    const query = [{ Id: 'q', MetricStat: { Metric: { Namespace: 'shop', MetricName: 'm' }, Period: 60, Stat: 'Sum' } }];
    expect(
      await failure(
        cw.send(new GetMetricDataCommand({ MetricDataQueries: query, StartTime: new Date(now.getTime() + 1000), EndTime: now })),
      ),
    ).toBe('ValidationException: The parameter EndTime must be greater than StartTime.');
    expect(await failure(cw.send(new GetMetricDataCommand({ MetricDataQueries: query, StartTime: now, EndTime: now })))).toBe(
      'ValidationException: The parameter StartTime must not equal parameter EndTime.',
    );
    expect(
      await failure(
        cw.send(
          new GetMetricDataCommand({
            MetricDataQueries: [{ Id: 'q', Label: 'l' }],
            StartTime: now,
            EndTime: new Date(now.getTime() + 60_000),
          }),
        ),
      ),
    ).toBe('ValidationException: The parameter MetricDataQueries.member.1.MetricStat is required.\n');
  });

  it('answers a Metrics Insights query: WHERE filters, GROUP BY splits and names the series', async () => {
    const { cw, now, window, put } = account();
    const datum = (path: string, audience: string, Value: number): MetricDatum => ({
      MetricName: 'requests',
      Dimensions: [
        { Name: 'Path', Value: path },
        { Name: 'Audience', Value: audience },
      ],
      Value,
      Timestamp: now,
    });
    await put([datum('/api', 'web', 10), datum('/api', 'web', 5), datum('/api', 'mobile', 3), datum('/admin', 'web', 100)]);
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [{ Id: 'q', Period: 60, Expression: `SELECT SUM(requests) FROM "shop" WHERE Path = '/api' GROUP BY Audience` }],
        ...window,
      }),
    );
    expect(out.MetricDataResults?.map((r) => [r.Id, r.Label, r.Values]).sort()).toEqual([
      ['q', 'mobile', [3]],
      ['q', 'web', [15]],
    ]);
  });
});

describe('ListMetrics', () => {
  it('lists each metric once, filters by a dimension name alone, and refuses a token that is not its own', async () => {
    const { cw, put } = account();
    await put([{ MetricName: 'm', Dimensions: [{ Name: 'a', Value: '1' }], Value: 1 }]);
    await put([{ MetricName: 'm', Dimensions: [{ Name: 'a', Value: '1' }], Value: 2 }]);
    await put([{ MetricName: 'm', Dimensions: [{ Name: 'b', Value: '2' }], Value: 3 }]);
    expect((await cw.send(new ListMetricsCommand({ Namespace: 'shop' }))).Metrics).toHaveLength(2);
    expect((await cw.send(new ListMetricsCommand({ Namespace: 'shop', Dimensions: [{ Name: 'b' }] }))).Metrics).toEqual([
      { Namespace: 'shop', MetricName: 'm', Dimensions: [{ Name: 'b', Value: '2' }] },
    ]);
    expect(await failure(cw.send(new ListMetricsCommand({ NextToken: 'not-a-token' })))).toBe(
      'InvalidParameterValueException: Request parameter NextToken is invalid',
    );
  });

  it('answers 500 metrics a page', async () => {
    const { cw, put } = account();
    for (let batch = 0; batch < 6; batch++) {
      await put(Array.from({ length: 100 }, (_, i) => ({ MetricName: `m${batch * 100 + i}`, Value: 1 })));
    }
    const first = await cw.send(new ListMetricsCommand({ Namespace: 'shop' }));
    expect(first.Metrics).toHaveLength(500);
    const second = await cw.send(new ListMetricsCommand({ Namespace: 'shop', NextToken: first.NextToken }));
    expect(second.Metrics).toHaveLength(100);
    expect(second.NextToken).toBeUndefined();
  });
});

describe('alarms', () => {
  const alarm = {
    Namespace: 'shop',
    MetricName: 'latency',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanThreshold' as const,
  };

  it('refuses extended statistics and low-sample options CloudWatch does not have', async () => {
    const { cw } = account();
    expect(await failure(cw.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'a', ExtendedStatistic: '90' })))).toBe(
      'InvalidParameterValueException: The value 90 for parameter ExtendedStatistic is not supported.',
    );
    expect(
      await failure(
        cw.send(
          new PutMetricAlarmCommand({ ...alarm, AlarmName: 'b', ExtendedStatistic: 'p90', EvaluateLowSampleCountPercentile: 'unknown' }),
        ),
      ),
    ).toBe(
      'ValidationException: Option unknown is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.',
    );
    expect(await failure(cw.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'c', ExtendedStatistic: 'p99.9' })))).toBe('accepted');
  });

  it('DescribeAlarmsForMetric answers the metric alarms of exactly that metric, narrowed by statistic', async () => {
    const { cw } = account();
    await cw.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'avg', Statistic: 'Average' }));
    await cw.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'max', Statistic: 'Maximum' }));
    await cw.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'other', MetricName: 'errors', Statistic: 'Sum' }));
    const all = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: 'shop', MetricName: 'latency' }));
    expect(all.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['avg', 'max']);
    const max = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: 'shop', MetricName: 'latency', Statistic: 'Maximum' }));
    expect(max.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['max']);
  });
});

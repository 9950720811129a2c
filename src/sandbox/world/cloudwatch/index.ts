/** The CloudWatch operations the world answers. */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import { deleteAlarms, describeAlarms, describeAlarmsForMetric, putCompositeAlarm, putMetricAlarm, setAlarmState } from './alarms.js';
import { getMetricStatistics } from './metric-statistics.js';
import { getMetricData, listMetrics } from './metrics.js';
import { putMetricData } from './put-metric-data.js';

export const cloudwatchOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  PutMetricAlarm: putMetricAlarm,
  PutCompositeAlarm: putCompositeAlarm,
  DescribeAlarms: describeAlarms,
  DescribeAlarmsForMetric: describeAlarmsForMetric,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmState,
  PutMetricData: putMetricData,
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
};

/** The CloudWatch operations the world answers. */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import { deleteAlarms, describeAlarms, putCompositeAlarm, putMetricAlarm, setAlarmState } from './alarms.js';
import { getMetricData, listMetrics, putMetricData } from './metrics.js';

export const cloudwatchOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  PutMetricAlarm: putMetricAlarm,
  PutCompositeAlarm: putCompositeAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmState,
  PutMetricData: putMetricData,
  GetMetricData: getMetricData,
  ListMetrics: listMetrics,
};

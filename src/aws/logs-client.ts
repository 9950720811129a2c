/**
 * The CloudWatch Logs client behind {@link LogsPort}, loaded on demand by `createAwsPorts` (clients.ts): the SDK
 * client is only parsed when a log is read (a diagnosis, `ecsdeploy run`). One client per region, made with the
 * run's one configuration (credentials, endpoints, retries, call counting). Using the SDK's client replaces
 * writing SigV4 signing and the JSON 1.1 protocol of `Logs_20140328` ourselves.
 */
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { type ClientBase, op } from './clients.js';
import type { LogsPort } from './ports.js';

export function buildLogsPorts(base: ClientBase): (region?: string) => LogsPort {
  const byRegion = new Map<string, LogsPort>();
  return (region = base.region) => {
    let port = byRegion.get(region);
    if (!port) {
      const b = base.bind('logs', (c) => new CloudWatchLogsClient(c), region);
      port = {
        getLogEvents: op<LogsPort['getLogEvents']>(b, 'GetLogEvents', GetLogEventsCommand),
        filterLogEvents: op<LogsPort['filterLogEvents']>(b, 'FilterLogEvents', FilterLogEventsCommand),
        describeLogStreams: op<LogsPort['describeLogStreams']>(b, 'DescribeLogStreams', DescribeLogStreamsCommand),
      };
      byRegion.set(region, port);
    }
    return port;
  };
}

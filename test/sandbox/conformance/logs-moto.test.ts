/**
 * The CloudWatch Logs calls ecsdeploy makes (through its own LogsPort: GetLogEvents, FilterLogEvents,
 * DescribeLogStreams), sent to the sandbox and to moto's server after the same setup: the response shapes (every
 * key path) must agree apart from the listed differences, and so must what the engine relies on: the last lines
 * by default, a forward token that reads on from where the last read ended, an empty page at the end, and
 * ResourceNotFoundException for a stream or group that does not exist.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../src/aws/clients.js';
import type { LogsPort } from '../../../src/aws/ports.js';
import { AwsApiError } from '../../../src/errors/index.js';
import { type MotoServer, motoAvailable, startMoto } from '../../_helpers/moto.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';
import { shapeOf } from './sequence.js';

/** `Step:path` → why the sandbox and moto differ there. */
const ACCEPTED: Record<string, string> = {
  'DescribeLogGroups:logGroups[].logGroupClass': 'AWS returns logGroupClass STANDARD (API reference, LogGroup); moto omits it',
  'FilterLogEvents:searchedLogStreams[]': 'an always-empty list in AWS since 2020 (API reference); moto still lists the streams',
  'FilterLogEvents:searchedLogStreams[].logStreamName':
    'an always-empty list in AWS since 2020 (API reference); moto still lists the streams',
  'FilterLogEvents:searchedLogStreams[].searchedCompletely':
    'an always-empty list in AWS since 2020 (API reference); moto still lists the streams',
};

interface Outcome {
  shapes: Record<string, Set<string>>;
  tail: string[];
  forward: string[];
  atEnd: { events: number; sameToken: boolean };
  filtered: string[];
  missingStream: string;
  missingGroup: string;
}

async function sequence(client: CloudWatchLogsClient, logs: LogsPort, now: number): Promise<Outcome> {
  await client.send(new CreateLogGroupCommand({ logGroupName: '/ecs/conformance' }));
  await client.send(new CreateLogStreamCommand({ logGroupName: '/ecs/conformance', logStreamName: 'web/web/0123' }));
  await client.send(
    new PutLogEventsCommand({
      logGroupName: '/ecs/conformance',
      logStreamName: 'web/web/0123',
      logEvents: ['starting', 'ERROR boom', 'exiting'].map((message, i) => ({ timestamp: now + i, message })),
    }),
  );
  const strip = (o: object) => {
    const { $metadata, ...rest } = o as Record<string, unknown>;
    void $metadata;
    return rest;
  };
  const where = { logGroupName: '/ecs/conformance', logStreamName: 'web/web/0123' };
  const tail = await logs.getLogEvents({ ...where, limit: 2 });
  const head = await logs.getLogEvents({ ...where, startFromHead: true, limit: 1 });
  const forward = await logs.getLogEvents({ ...where, startFromHead: true, nextToken: head.nextForwardToken });
  const atEnd = await logs.getLogEvents({ ...where, startFromHead: true, nextToken: forward.nextForwardToken });
  const filtered = await logs.filterLogEvents({ logGroupName: '/ecs/conformance', filterPattern: 'ERROR' });
  const streams = await logs.describeLogStreams({ logGroupName: '/ecs/conformance' });
  const groups = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof AwsApiError ? e.awsCode : String(e)),
    );
  return {
    shapes: {
      GetLogEvents: shapeOf(strip(tail)),
      FilterLogEvents: shapeOf(strip(filtered)),
      DescribeLogStreams: shapeOf(strip(streams)),
      DescribeLogGroups: shapeOf(strip(groups)),
    },
    tail: (tail.events ?? []).map((e) => e.message ?? ''),
    forward: (forward.events ?? []).map((e) => e.message ?? ''),
    atEnd: { events: atEnd.events?.length ?? -1, sameToken: atEnd.nextForwardToken === forward.nextForwardToken },
    filtered: (filtered.events ?? []).map((e) => `${e.logStreamName}: ${e.message}`),
    missingStream: await code(logs.getLogEvents({ logGroupName: '/ecs/conformance', logStreamName: 'nope' })),
    missingGroup: await code(logs.getLogEvents({ logGroupName: '/ecs/nope', logStreamName: 'nope' })),
  };
}

const run = motoAvailable();

describe.skipIf(!run)('CloudWatch Logs: the sandbox answers the calls ecsdeploy makes like moto', () => {
  let moto: MotoServer;
  let fromMoto: Outcome;
  let fromSandbox: Outcome;

  beforeAll(async () => {
    moto = await startMoto();
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const motoConfig = { region: 'us-east-1', credentials, endpoint: moto.endpoint };
    const motoPorts = createAwsPorts({ region: 'us-east-1', env: { AWS_ENDPOINT_URL: moto.endpoint }, credentials, maxAttempts: 1 });
    fromMoto = await sequence(new CloudWatchLogsClient(motoConfig), await (motoPorts.logs?.() as Promise<LogsPort>), Date.now());
    const sb = startInProcessSandbox({ region: 'us-east-1' });
    const sbPorts = createAwsPorts(sb.awsConfig({ maxAttempts: 1 }));
    fromSandbox = await sequence(new CloudWatchLogsClient(sb.sdkConfig()), await (sbPorts.logs?.() as Promise<LogsPort>), sb.clock.now());
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it.each(['GetLogEvents', 'FilterLogEvents', 'DescribeLogStreams', 'DescribeLogGroups'])(
    '%s returns the same key paths from both, apart from listed and explained differences',
    (step) => {
      const sandbox = fromSandbox.shapes[step] ?? new Set<string>();
      const other = fromMoto.shapes[step] ?? new Set<string>();
      const differing = [...[...other].filter((p) => !sandbox.has(p)), ...[...sandbox].filter((p) => !other.has(p))]
        .map((p) => `${step}:${p}`)
        .filter((k) => !ACCEPTED[k]);
      expect(differing).toEqual([]);
    },
  );

  it('agree on what the engine relies on: the tail, reading on with the forward token, the end, and missing streams', () => {
    const behaviour = (o: Outcome) => ({
      tail: o.tail,
      forward: o.forward,
      atEnd: o.atEnd,
      filtered: o.filtered,
      missingStream: o.missingStream,
      missingGroup: o.missingGroup,
    });
    expect(behaviour(fromSandbox)).toEqual(behaviour(fromMoto));
    expect(behaviour(fromSandbox)).toEqual({
      tail: ['ERROR boom', 'exiting'],
      forward: ['ERROR boom', 'exiting'],
      atEnd: { events: 0, sameToken: true },
      filtered: ['web/web/0123: ERROR boom'],
      missingStream: 'ResourceNotFoundException',
      missingGroup: 'ResourceNotFoundException',
    });
  });
});

/**
 * CloudWatch Logs through the real SDK (JSON 1.1, Logs_20140328): groups and streams and what AWS refuses about
 * them, PutLogEvents' order rule and rejected events, GetLogEvents read from the head, from the tail and by
 * forward/backward tokens (a reader at the end keeps its token until new events come), FilterLogEvents across
 * streams with term patterns, and what a task's containers print to their awslogs streams.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, CreateClusterCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../../src/errors/index.js';
import { parseScenario } from '../../../src/sandbox/world/index.js';
import { type InProcessSandboxOptions, startInProcessSandbox } from '../../_helpers/sandbox.js';

function account(scenario?: InProcessSandboxOptions['scenario']) {
  const sb = startInProcessSandbox(scenario ? { scenario } : {});
  const logs = new CloudWatchLogsClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  return { sb, logs, ecs };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

async function streamWith(logs: CloudWatchLogsClient, now: number, messages: string[]) {
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName: 's/app/1' }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: '/ecs/app',
      logStreamName: 's/app/1',
      logEvents: messages.map((message, i) => ({ timestamp: now + i, message })),
    }),
  );
}

describe('log groups and streams', () => {
  it('creates, describes and refuses duplicates and unknown groups as AWS does', async () => {
    const { logs, sb } = account();
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' }));
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' })))).toBe(
      'ResourceAlreadyExistsException: The specified log group already exists',
    );
    expect(await failure(logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/none', logStreamName: 'x' })))).toBe(
      'ResourceNotFoundException: The specified log group does not exist.',
    );
    expect(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name' })))).toMatch(
      /^InvalidParameterException: .*logGroupName/,
    );
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName: 'web/web/abc' }));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    expect(groups.logGroups).toEqual([
      {
        logGroupName: '/ecs/app',
        creationTime: sb.clock.now(),
        metricFilterCount: 0,
        arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*',
        logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app',
        storedBytes: 0,
        logGroupClass: 'STANDARD',
      },
    ]);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/app' }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(['web/web/abc']);
    expect(
      await failure(
        logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/app', orderBy: 'LastEventTime', logStreamNamePrefix: 'w' })),
      ),
    ).toBe('InvalidParameterException: Cannot order by LastEventTime with a logStreamNamePrefix.');
  });
});

describe('PutLogEvents', () => {
  it('refuses a batch out of chronological order and rejects events too old or too new', async () => {
    const { logs, sb } = account();
    const now = sb.clock.now();
    await streamWith(logs, now, ['first']);
    const put = (logEvents: { timestamp: number; message: string }[]) =>
      logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/app', logStreamName: 's/app/1', logEvents }));
    expect(
      await failure(
        put([
          { timestamp: now + 10, message: 'b' },
          { timestamp: now + 5, message: 'a' },
        ]),
      ),
    ).toBe('InvalidParameterException: Log events in a single PutLogEvents request must be in chronological order.');
    const out = await put([
      { timestamp: now - 15 * 86_400_000, message: 'ancient' },
      { timestamp: now + 20, message: 'fine' },
      { timestamp: now + 3 * 3_600_000, message: 'future' },
    ]);
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
    const read = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/app', logStreamName: 's/app/1', startFromHead: true }));
    expect(read.events?.map((e) => e.message)).toEqual(['first', 'fine']);
  });
});

describe('GetLogEvents', () => {
  it('reads the last events by default, from the head on request, and pages both ways with tokens', async () => {
    const { logs, sb } = account();
    await streamWith(logs, sb.clock.now(), ['1', '2', '3', '4', '5']);
    const get = (extra: Record<string, unknown>) =>
      logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/app', logStreamName: 's/app/1', ...extra }));
    expect((await get({ limit: 2 })).events?.map((e) => e.message)).toEqual(['4', '5']);
    const head = await get({ limit: 2, startFromHead: true });
    expect(head.events?.map((e) => e.message)).toEqual(['1', '2']);
    const next = await get({ limit: 2, nextToken: head.nextForwardToken });
    expect(next.events?.map((e) => e.message)).toEqual(['3', '4']);
    const back = await get({ limit: 1, nextToken: next.nextBackwardToken });
    expect(back.events?.map((e) => e.message)).toEqual(['2']);
    expect(await failure(get({ nextToken: 'f/not-a-token' }))).toBe('InvalidParameterException: The specified nextToken is invalid.');
    expect(await failure(get({ logStreamName: 'missing' }))).toBe('ResourceNotFoundException: The specified log stream does not exist.');
  });

  it('keeps the forward token at the end of the stream until new events arrive', async () => {
    const { logs, sb } = account();
    await streamWith(logs, sb.clock.now(), ['a']);
    const get = (nextToken?: string) =>
      logs.send(
        new GetLogEventsCommand({
          logGroupName: '/ecs/app',
          logStreamName: 's/app/1',
          startFromHead: true,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
    const first = await get();
    const idle = await get(first.nextForwardToken);
    expect(idle.events).toEqual([]);
    expect(idle.nextForwardToken).toBe(first.nextForwardToken);
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: 's/app/1',
        logEvents: [{ timestamp: sb.clock.now() + 1, message: 'b' }],
      }),
    );
    expect((await get(idle.nextForwardToken)).events?.map((e) => e.message)).toEqual(['b']);
  });
});

describe('FilterLogEvents', () => {
  it('interleaves streams by time and matches terms, any-of and excluded terms', async () => {
    const { logs, sb } = account();
    const now = sb.clock.now();
    await streamWith(logs, now, ['ERROR db down', 'INFO ok', 'WARN slow']);
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName: 's/app/2' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: 's/app/2',
        logEvents: [{ timestamp: now + 1, message: 'ERROR Exiting' }],
      }),
    );
    const filter = async (filterPattern?: string) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/app', ...(filterPattern ? { filterPattern } : {}) }))).events?.map(
        (e) => `${e.logStreamName}: ${e.message}`,
      );
    expect(await filter()).toEqual(['s/app/1: ERROR db down', 's/app/1: INFO ok', 's/app/2: ERROR Exiting', 's/app/1: WARN slow']);
    expect(await filter('ERROR -Exiting')).toEqual(['s/app/1: ERROR db down']);
    expect(await filter('?WARN ?INFO')).toEqual(['s/app/1: INFO ok', 's/app/1: WARN slow']);
    expect(await filter('"db down"')).toEqual(['s/app/1: ERROR db down']);
    expect(await failure(filter('{ $.level = "error" }'))).toMatch(
      /^InvalidParameterException: The sandbox evaluates term filter patterns only/,
    );
  });
});

describe("a task's containers", () => {
  it('print their start line and the scenario output to PREFIX/CONTAINER/TASK_ID when the group exists or may be created', async () => {
    const { logs, ecs, sb } = account({
      images: [{ match: '*:crash', crashOnStart: true, exitCode: 3, logs: ['connecting to db', 'FATAL: no db'] }],
    });
    await ecs.send(new CreateClusterCommand({ clusterName: 'c' }));
    const container = (name: string, group: string, extra: Record<string, string> = {}) => ({
      name,
      image: `repo/${name}:crash`,
      memory: 128,
      essential: name === 'app',
      logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': group, 'awslogs-stream-prefix': 'p', ...extra } },
    });
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'job',
        containerDefinitions: [
          container('app', '/ecs/app'),
          container('sidecar', '/ecs/created', { 'awslogs-create-group': 'true' }),
          container('lost', '/ecs/missing'),
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ cluster: 'c', taskDefinition: td.taskDefinition?.taskDefinitionArn }));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    const id = taskArn.split('/').pop();
    await sb.clock.sleep(60_000);
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'c', tasks: [taskArn] }))).tasks?.[0];
    expect(task?.lastStatus).toBe('STOPPED');
    const read = async (group: string, container: string) =>
      (
        await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: `p/${container}/${id}`, startFromHead: true }))
      ).events?.map((e) => e.message);
    expect(await read('/ecs/app', 'app')).toEqual([
      '(sandbox) container app started from repo/app:crash',
      'connecting to db',
      'FATAL: no db',
    ]);
    expect(await read('/ecs/created', 'sidecar')).toEqual([
      '(sandbox) container sidecar started from repo/sidecar:crash',
      'connecting to db',
      'FATAL: no db',
    ]);
    // No group and no awslogs-create-group: nothing is written (AWS would not start the task; see docs/sandbox.md).
    expect(await failure(read('/ecs/missing', 'lost'))).toBe('ResourceNotFoundException: The specified log group does not exist.');
  });
});

describe('scenario files', () => {
  it('take `logs` as a list of lines per image rule, and refuse anything else with its position', () => {
    expect(parseScenario('images:\n  - match: "*"\n    logs: [starting, 42]\n', 's.yaml').images[0]?.logs).toEqual(['starting', '42']);
    const broken = () => parseScenario('images:\n  - match: "*"\n    logs: oops\n', 's.yaml');
    expect(broken).toThrow(ManifestError);
    try {
      broken();
    } catch (error) {
      expect((error as ManifestError).issues).toEqual([
        { file: 's.yaml', line: 3, column: 11, path: 'images[0].logs', message: 'must be a list of lines (strings)' },
      ]);
    }
  });
});

/**
 * Reading what a stopped task's container printed: which container explains the stop, where its awslogs stream
 * is, the last lines within the bounds (lines and bytes), and absent logs said with their reason (not awslogs, no
 * stream prefix, no group, no stream, an empty stream), through the real ports against the sandbox.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import {
  containerLogs,
  culpritContainer,
  LOG_TAIL_BYTES,
  LOG_TAIL_LINES,
  type TaskDefinitionLogSettings,
} from '../../src/strategies/container-logs.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/c/0123456789abcdef';
const awslogs = (options: Record<string, string>) => ({ logDriver: 'awslogs', options });
const td: TaskDefinitionLogSettings = {
  containerDefinitions: [
    { name: 'app', logConfiguration: awslogs({ 'awslogs-group': '/ecs/app', 'awslogs-stream-prefix': 'p' }) },
    { name: 'sidecar', essential: false, logConfiguration: awslogs({ 'awslogs-group': '/ecs/app', 'awslogs-stream-prefix': 'p' }) },
    { name: 'splunky', logConfiguration: { logDriver: 'splunk', options: {} } },
    { name: 'noprefix', logConfiguration: awslogs({ 'awslogs-group': '/ecs/app' }) },
    { name: 'bare' },
  ],
};

async function account(lines: Record<string, string[]>) {
  const sb = startInProcessSandbox();
  const client = new CloudWatchLogsClient(sb.sdkConfig());
  await client.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' }));
  for (const [container, messages] of Object.entries(lines)) {
    const logStreamName = `p/${container}/0123456789abcdef`;
    await client.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName }));
    if (messages.length > 0) {
      await client.send(
        new PutLogEventsCommand({
          logGroupName: '/ecs/app',
          logStreamName,
          logEvents: messages.map((message, i) => ({ timestamp: sb.clock.now() + i, message })),
        }),
      );
    }
  }
  const ports = createAwsPorts(sb.awsConfig());
  return (container: string) => containerLogs(ports, td, container, TASK, new AbortController().signal);
}

describe('which container explains the stop', () => {
  it('is the first essential one that exited non-zero, else one with a reason, else the first essential one', () => {
    const c = (name: string, exitCode?: number, reason?: string) => ({ name, exitCode, reason });
    expect(culpritContainer(td, [c('sidecar', 2), c('app', 0), c('splunky', 137)])).toBe('splunky');
    expect(culpritContainer(td, [c('sidecar', 2), c('app', undefined, 'CannotPullContainerError'), c('bare')])).toBe('app');
    expect(culpritContainer(td, [c('sidecar', 2), c('app', 0)])).toBe('app');
  });
});

describe('the last lines of a container', () => {
  it('are read from PREFIX/CONTAINER/TASK_ID, oldest first, at most the last 20', async () => {
    const read = await account({ app: Array.from({ length: 30 }, (_, i) => `line ${i + 1}`) });
    const logs = await read('app');
    expect(logs).toMatchObject({ container: 'app', group: '/ecs/app', stream: 'p/app/0123456789abcdef', truncated: true });
    expect(logs.lines).toHaveLength(LOG_TAIL_LINES);
    expect(logs.lines[0]).toBe('line 11');
    expect(logs.lines.at(-1)).toBe('line 30');
  });

  it('stay within the byte bound, keeping the newest, and cut a very long line', async () => {
    const read = await account({ app: ['old', ...['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(3000)), `${'z'.repeat(5000)}END`] });
    const logs = await read('app');
    expect(logs.truncated).toBe(true);
    // Each line cut to 1 KiB; three of them fill the 4 KiB.
    expect(logs.lines.map((l) => `${l[0]}${l.length}`)).toEqual(['d1022', 'e1022', 'z1022']);
    expect(Buffer.byteLength(logs.lines.join('\n'))).toBeLessThanOrEqual(LOG_TAIL_BYTES);
    expect(logs.lines[2]).toMatch(/^z+…$/);
  });

  it('are said to be absent, with why, and never guessed', async () => {
    const read = await account({ sidecar: [] });
    expect((await read('splunky')).missing).toBe('the log driver is splunk, not awslogs');
    expect((await read('noprefix')).missing).toBe(
      'the awslogs configuration has no awslogs-stream-prefix, so its stream name is not known',
    );
    expect((await read('bare')).missing).toBe('the container has no log configuration');
    expect((await read('app')).missing).toBe(
      'log stream p/app/0123456789abcdef does not exist in /ecs/app (the container may never have started)',
    );
    expect((await read('sidecar')).missing).toBe('log stream p/sidecar/0123456789abcdef in /ecs/app is empty');
    const sb = startInProcessSandbox();
    const logs = await containerLogs(createAwsPorts(sb.awsConfig()), td, 'app', TASK, new AbortController().signal);
    expect(logs).toEqual({
      container: 'app',
      group: '/ecs/app',
      stream: 'p/app/0123456789abcdef',
      lines: [],
      missing: 'log group /ecs/app does not exist',
    });
  });
});

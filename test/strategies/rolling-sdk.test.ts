/**
 * The rolling strategy through the real ports and SDK clients, with aws-sdk-client-mock answering: checks the
 * request shapes the SDK sends and that an unexpected call fails the test (every unmocked command rejects).
 * Responses are shaped like real DescribeServices output (Dates, PRIMARY/ACTIVE deployments).
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Service,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { BatchingServiceWatcher } from '../../src/engine/service-poller.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { rollingStrategy } from '../../src/strategies/rolling.js';
import type { DeployTarget, StrategyContext } from '../../src/strategies/types.js';

const TD = (rev: number) => `arn:aws:ecs:us-east-1:111122223333:task-definition/web:${rev}`;
const ecsMock = mockClient(ECSClient);
const logsMock = mockClient(CloudWatchLogsClient);

function service(deployments: Service['deployments'], extra: Partial<Service> = {}): Service {
  return {
    serviceName: 'web',
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
    status: 'ACTIVE',
    taskDefinition: deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition,
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
    deployments,
    events: [],
    ...extra,
  };
}

const old = {
  id: 'ecs-svc/1',
  status: 'PRIMARY',
  taskDefinition: TD(7),
  desiredCount: 2,
  runningCount: 2,
  pendingCount: 0,
  rolloutState: 'COMPLETED' as const,
  createdAt: new Date('2026-01-01T00:00:00Z'),
};
const ours = (rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED', status = 'PRIMARY', reason?: string) => ({
  id: 'ecs-svc/2',
  status,
  taskDefinition: TD(8),
  desiredCount: 2,
  runningCount: rolloutState === 'COMPLETED' ? 2 : 0,
  pendingCount: 0,
  rolloutState,
  ...(reason ? { rolloutStateReason: reason } : {}),
  createdAt: new Date('2026-01-01T00:01:00Z'),
});

function context(): { ctx: StrategyContext; sink: MemorySink } {
  const clock = new VirtualClock(Date.parse('2026-01-01T00:01:00Z'));
  const ports = createAwsPorts({ region: 'us-east-1', env: {}, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  const sink = new MemorySink();
  const emit = createEmitter(sink, clock);
  const hard = new AbortController().signal;
  return {
    sink,
    ctx: {
      ports,
      emit,
      clock,
      signal: new AbortController().signal,
      hardSignal: hard,
      onInterrupt: 'rollback',
      calls: createCallRunner({ dryRun: false, emit, hardSignal: hard, ports, runId: 'r' }),
      watcher: new BatchingServiceWatcher(ports, clock),
    },
  };
}

const target: DeployTarget = {
  key: 'web',
  service: 'web',
  cluster: 'prod',
  strategy: { type: 'rolling' },
  create: false,
  taskDefinitionArn: TD(8),
  previousTaskDefinitionArn: TD(7),
  previousDeploymentId: 'ecs-svc/1',
  desiredCount: 3,
  deployment: { maximumPercent: 150, alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } },
  settings: { healthCheckGracePeriodSeconds: 30, launchType: 'FARGATE', tags: [] },
  timeoutMs: 600_000,
  onFailure: 'rollback',
  purpose: 'deploy',
};

beforeEach(() => {
  ecsMock.reset();
  ecsMock.onAnyCommand().rejects(new Error('unexpected call'));
  logsMock.reset();
  logsMock.onAnyCommand().rejects(new Error('unexpected call'));
});
afterEach(() => {
  ecsMock.reset();
  logsMock.reset();
});

describe('rolling strategy over the SDK', () => {
  it('sends UpdateService with the revision, count, merged deployment configuration and only updatable settings', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service([old])] })
      .resolvesOnce({ services: [service([ours('IN_PROGRESS'), { ...old, status: 'ACTIVE' }])] })
      .resolves({ services: [service([ours('COMPLETED')])] });
    ecsMock.on(UpdateServiceCommand).resolves({ service: service([ours('IN_PROGRESS'), { ...old, status: 'ACTIVE' }]) });
    const { ctx, sink } = context();
    const r = await rollingStrategy.deploy(target, ctx);
    expect(r).toMatchObject({ outcome: 'succeeded', deploymentId: 'ecs-svc/2', taskDefinitionArn: TD(8) });
    const sent = ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input;
    expect(sent).toEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: TD(8),
      desiredCount: 3,
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 150,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
      },
    });
    expect(sink.ofType('service.started')[0]?.deploymentId).toBe('ecs-svc/2');
  });

  it('tags the service with the desired tags and untags exactly the keys the plan removed', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service([old])] })
      .resolves({ services: [service([ours('COMPLETED')])] });
    ecsMock.on(UpdateServiceCommand).resolves({ service: service([ours('IN_PROGRESS'), { ...old, status: 'ACTIVE' }]) });
    ecsMock.on(TagResourceCommand).resolves({});
    ecsMock.on(UntagResourceCommand).resolves({});
    const { ctx } = context();
    const r = await rollingStrategy.deploy(
      { ...target, settings: { tags: [{ key: 'team', value: 'shop' }] }, removeTags: ['old-owner'] },
      ctx,
    );
    expect(r.outcome).toBe('succeeded');
    expect(ecsMock.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web', tags: [{ key: 'team', value: 'shop' }] },
    ]);
    expect(ecsMock.commandCalls(UntagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web', tagKeys: ['old-owner'] },
    ]);
  });

  it('reads the stopped tasks of the new revision when the deployment FAILED, and reports their exit codes and last log lines', async () => {
    const failed = ours('FAILED', 'ACTIVE', 'ECS deployment circuit breaker: tasks failed to start.');
    const rollback = { ...old, id: 'ecs-svc/3', status: 'PRIMARY', rolloutState: 'IN_PROGRESS' as const };
    ecsMock
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service([old])] })
      .resolvesOnce({ services: [service([rollback, failed])] })
      .resolves({ services: [service([{ ...rollback, rolloutState: 'COMPLETED' }])] });
    ecsMock.on(UpdateServiceCommand).resolves({ service: service([ours('IN_PROGRESS'), { ...old, status: 'ACTIVE' }]) });
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['arn:task/a', 'arn:task/b'] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: 'arn:task/a',
          taskDefinitionArn: TD(8),
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'web', exitCode: 1 }],
        },
        {
          taskArn: 'arn:task/b',
          taskDefinitionArn: TD(7),
          stopCode: 'ServiceSchedulerInitiated',
          stoppedReason: 'Scaling activity',
          containers: [{ name: 'web', exitCode: 0 }],
        },
      ],
    });
    ecsMock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'web',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'app' } },
          },
        ],
      },
    });
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ timestamp: 1, message: 'Error: DATABASE_URL is not set\n' }] });
    const { ctx } = context();
    const r = await rollingStrategy.deploy(target, ctx);
    expect(r.outcome).toBe('rolled-back');
    expect(r.taskDefinitionArn).toBe(TD(7));
    expect(r.stoppedTasks).toEqual([
      {
        taskArn: 'arn:task/a',
        taskDefinitionArn: TD(8),
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', exitCode: 1, reason: undefined }],
        logs: { container: 'web', group: '/ecs/web', stream: 'app/web/a', lines: ['Error: DATABASE_URL is not set'] },
      },
    ]);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toEqual({ taskDefinition: TD(8) });
    expect(logsMock.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toEqual({
      logGroupName: '/ecs/web',
      logStreamName: 'app/web/a',
      startFromHead: false,
      limit: 21,
    });
    expect(ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'prod',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });
});

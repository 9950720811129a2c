import { describe, expect, it } from 'vitest';
import { buildStatusReports } from '../../src/engine/status.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { resolvedService } from './builders.js';
import { FakeAws, tdArn } from './fake-aws.js';

describe('buildStatusReports', () => {
  it('reports revision, counts, deployments newest first with rollout state, and the latest events', async () => {
    const clock = new VirtualClock();
    const aws = new FakeAws(clock);
    const svc = aws.addService({ name: 'web', taskDefinition: aws.addTaskDefinition('web') });
    svc.deployments?.unshift({
      id: 'ecs-svc/2',
      status: 'PRIMARY',
      taskDefinition: tdArn('web:2'),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.',
      runningCount: 1,
      pendingCount: 1,
      desiredCount: 2,
      createdAt: new Date(clock.now()),
    });
    svc.events = Array.from({ length: 8 }, (_, i) => ({ id: `e${i}`, createdAt: new Date(clock.now() - i * 1000), message: `event ${i}` }));
    const [web, api] = await buildStatusReports(aws.ports(), [resolvedService('web'), resolvedService('api')]);
    expect(web).toMatchObject({ found: true, revision: 'web:1', running: 2, desired: 2, strategy: 'rolling', inProgress: true });
    expect(web?.deployments.map((d) => [d.id, d.rolloutState])).toEqual([
      ['ecs-svc/2', 'IN_PROGRESS'],
      [expect.any(String), 'COMPLETED'],
    ]);
    expect(web?.events.map((e) => e.message)).toEqual(['event 0', 'event 1', 'event 2', 'event 3', 'event 4']);
    expect(api).toMatchObject({ found: false, deployments: [], inProgress: false });
    expect(aws.count('DescribeServices')).toBe(1);
  });
});

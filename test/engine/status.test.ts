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

  it('shows the task sets of a CodeDeploy-controlled service, and a second one as a deployment in progress', async () => {
    const clock = new VirtualClock();
    const aws = new FakeAws(clock);
    const set = (id: string, status: string, rev: number, stability: 'STEADY_STATE' | 'STABILIZING', at: number) => ({
      id,
      status,
      taskDefinition: tdArn(`api:${rev}`),
      computedDesiredCount: 3,
      runningCount: stability === 'STEADY_STATE' ? 3 : 1,
      pendingCount: stability === 'STEADY_STATE' ? 0 : 2,
      stabilityStatus: stability,
      createdAt: new Date(at),
    });
    aws.addService({
      name: 'api',
      taskDefinition: tdArn('api:1'),
      extra: {
        deploymentController: { type: 'CODE_DEPLOY' },
        deployments: [],
        taskSets: [set('ecs-svc/blue', 'PRIMARY', 1, 'STEADY_STATE', 1000), set('ecs-svc/green', 'ACTIVE', 2, 'STABILIZING', 2000)],
      },
    });
    const [api] = await buildStatusReports(aws.ports(), [
      resolvedService('api', {
        strategy: { type: 'blue-green', application: 'a', deploymentGroup: 'g', container: { name: 'api', port: 80 } },
      }),
    ]);
    expect(api).toMatchObject({ deploymentController: 'CODE_DEPLOY', strategy: 'blue-green', inProgress: true, revision: 'api:1' });
    expect(api?.deployments.map((d) => [d.id, d.status, d.rolloutStateReason, d.pending])).toEqual([
      ['ecs-svc/green', 'ACTIVE', 'STABILIZING', 2],
      ['ecs-svc/blue', 'PRIMARY', 'STEADY_STATE', 0],
    ]);
  });
});

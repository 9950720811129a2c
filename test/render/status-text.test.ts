import { describe, expect, it } from 'vitest';
import type { ServiceStatusReport } from '../../src/model/status.js';
import { hasColor } from '../../src/render/ansi.js';
import { renderStatusText } from '../../src/render/status-text.js';
import { td } from './events-fixtures.js';

const rollingOut: ServiceStatusReport = {
  key: 'web',
  service: 'web-prod',
  cluster: 'prod',
  found: true,
  status: 'ACTIVE',
  taskDefinitionArn: td('web:43'),
  revision: 'web:43',
  running: 3,
  pending: 1,
  desired: 4,
  strategy: 'rolling',
  deploymentController: 'ECS',
  deployments: [
    {
      id: 'ecs-svc/5555',
      status: 'PRIMARY',
      taskDefinitionArn: td('web:43'),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment ecs-svc/5555 in progress.',
      running: 1,
      pending: 1,
      desired: 2,
      createdAt: '2026-11-22T09:58:00.000Z',
      updatedAt: '2026-11-22T09:59:30.000Z',
    },
    {
      id: 'ecs-svc/4444',
      status: 'ACTIVE',
      taskDefinitionArn: td('web:42'),
      rolloutState: 'COMPLETED',
      rolloutStateReason: 'ECS deployment ecs-svc/4444 completed.',
      running: 2,
      pending: 0,
      desired: 2,
      createdAt: '2026-11-20T14:00:00.000Z',
      updatedAt: '2026-11-20T14:03:10.000Z',
    },
  ],
  inProgress: true,
  events: [
    { at: '2026-11-22T09:59:31.000Z', message: '(service web-prod) has started 1 tasks: (task 77aa88bb).' },
    { at: '2026-11-22T09:58:05.000Z', message: '(service web-prod) has started 1 tasks: (task 55cc66dd).' },
    { at: '2026-11-20T14:03:10.000Z', message: '(service web-prod) has reached a steady state.' },
  ],
};

const failedWorker: ServiceStatusReport = {
  ...rollingOut,
  key: 'worker',
  service: 'worker-prod',
  taskDefinitionArn: td('worker:16'),
  revision: 'worker:16',
  running: 1,
  pending: 0,
  desired: 1,
  inProgress: false,
  deployments: [
    {
      id: 'ecs-svc/7777',
      status: 'PRIMARY',
      taskDefinitionArn: td('worker:17'),
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      running: 0,
      pending: 0,
      desired: 0,
      createdAt: undefined,
      updatedAt: undefined,
    },
  ],
  events: [],
};

const missing: ServiceStatusReport = { ...rollingOut, key: 'api', service: 'api-prod', found: false, deployments: [], events: [] };

describe('status text', () => {
  it('shows what runs, the deployments with rollout states, and the latest events newest first', () => {
    expect(renderStatusText([rollingOut], { color: false })).toMatchInlineSnapshot(`
      "web  ACTIVE  (service web-prod in cluster prod, rolling)
        revision web:43, tasks 3/4 running, 1 pending
        deployment in progress: ecs-svc/5555 → web:43, 1/2 running, 1 pending
        deployments:
          PRIMARY  ecs-svc/5555  IN_PROGRESS  1/2 running, 1 pending  web:43  updated 2026-11-22 09:59:30Z
            ECS deployment ecs-svc/5555 in progress.
          ACTIVE   ecs-svc/4444  COMPLETED    2/2 running             web:42  updated 2026-11-20 14:03:10Z
        latest events (newest first):
          2026-11-22 09:59:31Z  (service web-prod) has started 1 tasks: (task 77aa88bb).
          2026-11-22 09:58:05Z  (service web-prod) has started 1 tasks: (task 55cc66dd).
          2026-11-20 14:03:10Z  (service web-prod) has reached a steady state.
      "
    `);
  });

  it('shows a failed deployment with its rollout reason and says none is in progress', () => {
    const text = renderStatusText([failedWorker], { color: false });
    expect(text).toContain('  no deployment in progress\n');
    expect(text).toContain('PRIMARY  ecs-svc/7777  FAILED  0/0 running  worker:17');
    expect(text).toContain('      ECS deployment circuit breaker: tasks failed to start.\n');
  });

  it('reports a service that does not exist instead of failing the whole report', () => {
    const text = renderStatusText([missing, failedWorker], { color: false });
    expect(text.split('\n')[0]).toBe('api  not found  (service api-prod in cluster prod)');
    expect(text).toContain('worker  ACTIVE');
  });

  it('limits the number of events shown', () => {
    const text = renderStatusText([rollingOut], { color: false, events: 1 });
    expect(text).toContain('has started 1 tasks: (task 77aa88bb)');
    expect(text).not.toContain('55cc66dd');
  });

  it('colours only when asked', () => {
    expect(hasColor(renderStatusText([rollingOut, failedWorker], { color: false }))).toBe(false);
    expect(hasColor(renderStatusText([rollingOut, failedWorker], { color: true }))).toBe(true);
  });
});

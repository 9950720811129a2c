/**
 * Recorded-style event sequences for the renderer tests, shaped like what the engine emits: ECS message forms and
 * rolloutStateReason strings from reference/aws-semantics.md §1.3/§1.7, times from a simulated clock.
 */
import type { EngineEvent, EventInput, EventLevel } from '../../src/events/types.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** Builds an event at `seconds` after 10:00:00Z (simulated time), level `info` unless given. */
export function at(seconds: number, input: EventInput, level?: EventLevel): EngineEvent {
  const { level: inputLevel, ...rest } = input as EventInput & { level?: EventLevel };
  return { time: new Date(T0 + seconds * 1000).toISOString(), level: level ?? inputLevel ?? 'info', ...rest } as EngineEvent;
}

const ACCOUNT = 'arn:aws:ecs:eu-west-1:123456789012';
export const td = (name: string) => `${ACCOUNT}:task-definition/${name}`;
const task = (id: string) => `${ACCOUNT}:task/prod/${id}`;

/** Two rolling services deployed in parallel, both healthy; then a scheduled target moves and old revisions go. */
export const healthyRolling: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-7f3a', services: ['web', 'worker'], dryRun: false }),
  at(1, { type: 'taskdef.registered', service: 'web', taskDefinitionArn: td('web:42') }),
  at(1, { type: 'taskdef.registered', service: 'worker', taskDefinitionArn: td('worker:17') }),
  at(2, {
    type: 'service.started',
    service: 'web',
    strategy: 'rolling',
    fromTaskDefinition: td('web:41'),
    toTaskDefinition: td('web:42'),
    deploymentId: 'ecs-svc/1111',
  }),
  at(2, {
    type: 'service.started',
    service: 'worker',
    strategy: 'rolling',
    fromTaskDefinition: td('worker:16'),
    toTaskDefinition: td('worker:17'),
    deploymentId: 'ecs-svc/2222',
  }),
  at(3, { type: 'service.phase', service: 'web', phase: 'waiting', detail: 'for ecs-svc/1111' }),
  at(3, { type: 'service.phase', service: 'worker', phase: 'waiting' }),
  at(10, {
    type: 'service.progress',
    service: 'web',
    running: 0,
    pending: 2,
    desired: 2,
    rolloutState: 'IN_PROGRESS',
    deploymentId: 'ecs-svc/1111',
  }),
  at(10, {
    type: 'service.event',
    service: 'web',
    at: '2026-11-22T10:00:09.000Z',
    message: '(service web) has started 2 tasks: (task 0a1b2c3d) (task 4e5f6a7b).',
  }),
  at(12, {
    type: 'service.progress',
    service: 'worker',
    running: 1,
    pending: 0,
    desired: 1,
    rolloutState: 'IN_PROGRESS',
    deploymentId: 'ecs-svc/2222',
  }),
  // A poll that saw nothing new: the plain log must not repeat it.
  at(20, {
    type: 'service.progress',
    service: 'web',
    running: 0,
    pending: 2,
    desired: 2,
    rolloutState: 'IN_PROGRESS',
    deploymentId: 'ecs-svc/1111',
  }),
  at(40, {
    type: 'service.progress',
    service: 'web',
    running: 2,
    pending: 0,
    desired: 2,
    rolloutState: 'IN_PROGRESS',
    deploymentId: 'ecs-svc/1111',
  }),
  at(61, {
    type: 'service.event',
    service: 'worker',
    at: '2026-11-22T10:01:00.000Z',
    message: '(service worker) (deployment ecs-svc/2222) deployment completed.',
  }),
  at(62, {
    type: 'service.progress',
    service: 'worker',
    running: 1,
    pending: 0,
    desired: 1,
    rolloutState: 'COMPLETED',
    deploymentId: 'ecs-svc/2222',
  }),
  at(62, { type: 'service.finished', service: 'worker', outcome: 'succeeded', durationMs: 60_000, taskDefinitionArn: td('worker:17') }),
  at(130, {
    type: 'service.event',
    service: 'web',
    at: '2026-11-22T10:02:09.000Z',
    message: '(service web) (deployment ecs-svc/1111) deployment completed.',
  }),
  at(131, {
    type: 'service.progress',
    service: 'web',
    running: 2,
    pending: 0,
    desired: 2,
    rolloutState: 'COMPLETED',
    deploymentId: 'ecs-svc/1111',
  }),
  at(131, { type: 'service.finished', service: 'web', outcome: 'succeeded', durationMs: 129_000, taskDefinitionArn: td('web:42') }),
  at(132, {
    type: 'scheduled-target.updated',
    rule: 'nightly-report',
    targetId: 'worker-report',
    from: td('worker:16'),
    to: td('worker:17'),
  }),
  at(133, { type: 'revision.deregistered', taskDefinitionArn: td('web:38') }),
  at(134, {
    type: 'apply.finished',
    runId: 'r-7f3a',
    outcome: 'succeeded',
    durationMs: 134_000,
    services: [
      { key: 'web', outcome: 'succeeded', taskDefinitionArn: td('web:42') },
      { key: 'worker', outcome: 'succeeded', taskDefinitionArn: td('worker:17') },
    ],
  }),
];

const CIRCUIT_BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';

/** The new revision crash-loops; the circuit breaker trips and ECS rolls back to web:41. */
export const circuitBreaker: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-cb01', services: ['web'], dryRun: false }),
  at(1, { type: 'taskdef.registered', service: 'web', taskDefinitionArn: td('web:43') }),
  at(2, {
    type: 'service.started',
    service: 'web',
    strategy: 'rolling',
    fromTaskDefinition: td('web:42'),
    toTaskDefinition: td('web:43'),
    deploymentId: 'ecs-svc/3333',
  }),
  at(3, { type: 'service.phase', service: 'web', phase: 'waiting' }),
  at(15, { type: 'service.progress', service: 'web', running: 0, pending: 2, desired: 2, rolloutState: 'IN_PROGRESS' }),
  at(15, {
    type: 'service.event',
    service: 'web',
    at: '2026-11-22T10:00:14.000Z',
    message: '(service web) has started 2 tasks: (task 9c8b7a6d) (task 5e4f3a2b).',
  }),
  at(95, {
    type: 'service.event',
    service: 'web',
    at: '2026-11-22T10:01:34.000Z',
    message: '(service web) (deployment ecs-svc/3333) deployment failed: tasks failed to start.',
  }),
  at(96, { type: 'service.phase', service: 'web', phase: 'rolling-back', detail: 'to ecs-svc/2999' }),
  at(
    150,
    {
      type: 'service.finished',
      service: 'web',
      outcome: 'rolled-back',
      durationMs: 148_000,
      taskDefinitionArn: td('web:42'),
      reason: CIRCUIT_BREAKER_REASON,
      stoppedTasks: [
        {
          taskArn: task('9c8b7a6d1e2f3a4b5c6d7e8f9a0b1c2d'),
          taskDefinitionArn: td('web:43'),
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [
            { name: 'app', exitCode: 1, reason: undefined },
            { name: 'envoy', exitCode: undefined, reason: undefined },
          ],
        },
        {
          taskArn: task('5e4f3a2b'),
          taskDefinitionArn: td('web:43'),
          stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
          stopCode: 'TaskFailedToStart',
          containers: [{ name: 'app', exitCode: undefined, reason: 'CannotPullContainerError' }],
        },
      ],
    },
    'error',
  ),
  at(
    151,
    {
      type: 'apply.finished',
      runId: 'r-cb01',
      outcome: 'failed',
      durationMs: 151_000,
      services: [{ key: 'web', outcome: 'rolled-back', taskDefinitionArn: td('web:42'), reason: CIRCUIT_BREAKER_REASON }],
    },
    'error',
  ),
];

/** The migration one-off task exits 3 before any service is touched; the service is skipped. */
export const migrationFailure: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-mg01', services: ['web'], dryRun: false }),
  at(1, { type: 'taskdef.registered', service: 'web', taskDefinitionArn: td('web:44') }),
  at(2, { type: 'oneoff.started', name: 'migrate', taskArn: task('aa11bb22cc33dd44'), taskDefinitionArn: td('web:44') }),
  at(
    47,
    {
      type: 'oneoff.finished',
      name: 'migrate',
      taskArn: task('aa11bb22cc33dd44'),
      outcome: 'failed',
      reason: 'container app exited with code 3',
      task: {
        taskArn: task('aa11bb22cc33dd44'),
        taskDefinitionArn: td('web:44'),
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'app', exitCode: 3, reason: undefined }],
      },
    },
    'error',
  ),
  at(47, { type: 'service.finished', service: 'web', outcome: 'skipped', durationMs: 0, reason: 'one-off task migrate failed' }, 'warn'),
  at(
    48,
    {
      type: 'apply.finished',
      runId: 'r-mg01',
      outcome: 'failed',
      durationMs: 48_000,
      services: [{ key: 'web', outcome: 'skipped', reason: 'one-off task migrate failed' }],
    },
    'error',
  ),
];

/** Ctrl-C while web is half rolled out; worker never started. */
export const interruption: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-int1', services: ['web', 'worker'], dryRun: false }),
  at(2, {
    type: 'service.started',
    service: 'web',
    strategy: 'rolling',
    fromTaskDefinition: td('web:42'),
    toTaskDefinition: td('web:43'),
    deploymentId: 'ecs-svc/4444',
  }),
  at(3, { type: 'service.phase', service: 'web', phase: 'waiting' }),
  at(30, { type: 'service.progress', service: 'web', running: 1, pending: 1, desired: 2, rolloutState: 'IN_PROGRESS' }),
  at(
    41,
    { type: 'log', message: 'Interrupted: stopped waiting. Deployment ecs-svc/4444 of web continues in AWS; rerun apply or rollback.' },
    'warn',
  ),
  at(
    41,
    {
      type: 'service.finished',
      service: 'web',
      outcome: 'interrupted',
      durationMs: 39_000,
      reason: 'interrupted; deployment ecs-svc/4444 left in progress in AWS',
    },
    'warn',
  ),
  at(
    42,
    {
      type: 'apply.finished',
      runId: 'r-int1',
      outcome: 'interrupted',
      durationMs: 42_000,
      services: [
        { key: 'web', outcome: 'interrupted', reason: 'interrupted; deployment ecs-svc/4444 left in progress in AWS' },
        { key: 'worker', outcome: 'skipped', reason: 'not started' },
      ],
    },
    'warn',
  ),
];

/** --dry-run: calls are announced, nothing changes; reads are debug events. */
export const dryRun: EngineEvent[] = [
  at(0, { type: 'apply.started', runId: 'r-dry1', services: ['web'], dryRun: true }),
  at(0, { type: 'aws.call', service: 'ECS', operation: 'DescribeServices', mutating: false, dryRun: false, summary: 'prod/web' }, 'debug'),
  at(1, { type: 'aws.call', service: 'ECS', operation: 'RegisterTaskDefinition', mutating: true, dryRun: true, summary: 'family web' }),
  at(1, { type: 'aws.call', service: 'ECS', operation: 'UpdateService', mutating: true, dryRun: true, summary: 'prod/web → web:(new)' }),
  at(2, {
    type: 'apply.finished',
    runId: 'r-dry1',
    outcome: 'succeeded',
    durationMs: 2_000,
    services: [{ key: 'web', outcome: 'succeeded' }],
  }),
];

/** A stream that keeps what is written, as text. */
export { capture as collector } from '../_helpers/capture.js';

export function feed(sink: { emit(e: EngineEvent): void }, events: readonly EngineEvent[]): void {
  for (const e of events) sink.emit(e);
}

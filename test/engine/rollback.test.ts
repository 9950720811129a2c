import { describe, expect, it } from 'vitest';
import { LOCK_TAG, parseLock } from '../../src/engine/lock.js';
import { TAG_DEPLOYED, TAG_MANIFEST_DIGEST } from '../../src/engine/register.js';
import { rollbackService } from '../../src/engine/rollback.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { resolvedService } from './builders.js';
import { FakeAws, svcArn, tdArn } from './fake-aws.js';

const deployed = [{ key: TAG_DEPLOYED, value: '2026-01-01T00:00:00Z' }];
const registered = [{ key: TAG_MANIFEST_DIGEST, value: 'abc' }];

function setup() {
  const clock = new VirtualClock();
  const aws = new FakeAws(clock);
  const sink = new MemorySink();
  const run = (to?: string) =>
    rollbackService(
      resolvedService('web'),
      { ports: aws.ports(), sink, clock, signal: new AbortController().signal },
      { runId: 'rb-1', force: false, onInterrupt: 'rollback', lockSettleMs: 100, ...(to ? { to } : {}) },
    );
  return { aws, sink, run };
}

describe('rollbackService', () => {
  it('goes back to the previous revision that deployed successfully, skipping a newer one that failed', async () => {
    const { aws, sink, run } = setup();
    aws.addTaskDefinition('web', deployed); // web:1 ran fine
    aws.addTaskDefinition('web', registered); // web:2 was registered but its deployment failed
    const current = aws.addTaskDefinition('web', deployed); // web:3 runs now
    aws.addService({ name: 'web', taskDefinition: current });
    const r = await run();
    expect(r.outcome).toBe('succeeded');
    expect(aws.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([tdArn('web:1')]);
    expect(sink.ofType('service.started')[0]).toMatchObject({ fromTaskDefinition: current, toTaskDefinition: tdArn('web:1') });
    expect(sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('deployed successfully'));
  });

  it('falls back to the newest older revision ecsdeploy registered when none is marked deployed', async () => {
    const { aws, run } = setup();
    aws.addTaskDefinition('web'); // not ecsdeploy's
    aws.addTaskDefinition('web', registered);
    const current = aws.addTaskDefinition('web', registered);
    aws.addService({ name: 'web', taskDefinition: current });
    await run();
    expect(aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(tdArn('web:2'));
  });

  it('takes --to as a revision number of the family or as a full ARN', async () => {
    const a = setup();
    a.aws.addTaskDefinition('web');
    a.aws.addTaskDefinition('web');
    a.aws.addService({ name: 'web', taskDefinition: a.aws.addTaskDefinition('web') });
    await a.run('1');
    expect(a.aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(tdArn('web:1'));

    const b = setup();
    b.aws.addTaskDefinition('web');
    b.aws.addTaskDefinition('web');
    b.aws.addService({ name: 'web', taskDefinition: b.aws.addTaskDefinition('web') });
    await b.run(tdArn('web:2'));
    expect(b.aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(tdArn('web:2'));
  });

  it('refuses with a hint when there is nothing to roll back to', async () => {
    const { aws, run } = setup();
    aws.addService({ name: 'web', taskDefinition: aws.addTaskDefinition('web', deployed) });
    await expect(run()).rejects.toMatchObject({ code: 'ROLLBACK_TARGET_NOT_FOUND', hint: expect.stringContaining('--to') });
    expect(aws.count('UpdateService')).toBe(0);
  });

  it('is not blocked by a deployment in progress: rolling back is how one leaves a stuck deployment', async () => {
    const { aws, run } = setup();
    aws.addTaskDefinition('web', deployed);
    const current = aws.addTaskDefinition('web', registered);
    const svc = aws.addService({ name: 'web', taskDefinition: current });
    const first = svc.deployments?.[0];
    if (first) first.rolloutState = 'IN_PROGRESS';
    const r = await run();
    expect(r.outcome).toBe('succeeded');
    expect(aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(tdArn('web:1'));
  });

  it('reports a failed rollback as failed and does not undo it', async () => {
    const { aws, run } = setup();
    aws.addTaskDefinition('web', deployed);
    aws.addService({ name: 'web', taskDefinition: aws.addTaskDefinition('web', deployed), behaviours: ['fail'] });
    const r = await run();
    expect(r.outcome).toBe('failed');
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('holds its lock for as long as it waits: its own rollout and then the rollback ECS makes of it', async () => {
    const clock = new VirtualClock();
    const aws = new FakeAws(clock);
    // Each deployment settles after ~27 minutes of polls: the rollout trips the circuit breaker near its 30 min
    // timeout, and ECS's rollback takes as long again.
    aws.polls = 110;
    aws.addTaskDefinition('web', deployed);
    aws.addService({ name: 'web', taskDefinition: aws.addTaskDefinition('web', deployed), behaviours: ['circuit-breaker'] });
    const sink = new MemorySink();
    const expired: string[] = [];
    const emit = sink.emit.bind(sink);
    sink.emit = (e) => {
      emit(e);
      const value = aws.tags.get(svcArn('prod', 'web'))?.find((t) => t.key === LOCK_TAG)?.value;
      const lock = value ? parseLock(value) : undefined;
      if (e.type === 'service.progress' && (!lock || lock.expiresAt <= clock.now())) {
        expired.push(`${new Date(clock.now()).toISOString()} ${e.deploymentId} ${e.rolloutState}`);
      }
    };
    const t0 = clock.now();
    const r = await rollbackService(
      resolvedService('web', { timeoutMs: 30 * 60_000 }),
      { ports: aws.ports(), sink, clock, signal: new AbortController().signal },
      { runId: 'rb', force: false, onInterrupt: 'rollback', lockSettleMs: 10 },
    );
    expect(r.services[0]?.outcome).toBe('rolled-back');
    expect(clock.now() - t0).toBeGreaterThan(45 * 60_000);
    expect(expired).toEqual([]);
  });

  it('uses the service deployments history when the ports can map a service revision to its task definition', async () => {
    const clock = new VirtualClock();
    const aws = new FakeAws(clock);
    aws.addTaskDefinition('web'); // web:1
    aws.addTaskDefinition('web', deployed); // web:2, tagged, but the history says web:1 was the last success
    const current = aws.addTaskDefinition('web', deployed); // web:3
    aws.addService({ name: 'web', taskDefinition: current });
    const base = aws.ports();
    const rev = (n: number) => `arn:aws:ecs:us-east-1:111122223333:service-revision/prod/web/${n}`;
    const ports = {
      ...base,
      ecs: {
        ...base.ecs,
        listServiceDeployments: async () => ({
          serviceDeployments: [
            { serviceDeploymentArn: 'sd/3', targetServiceRevisionArn: rev(3), status: 'SUCCESSFUL' as const, finishedAt: new Date(3000) },
            { serviceDeploymentArn: 'sd/1', targetServiceRevisionArn: rev(1), status: 'SUCCESSFUL' as const, finishedAt: new Date(1000) },
          ],
          $metadata: {},
        }),
        describeServiceRevisions: async (input: { serviceRevisionArns?: string[] }) => ({
          serviceRevisions: (input.serviceRevisionArns ?? []).map((a) => ({
            serviceRevisionArn: a,
            taskDefinition: tdArn(`web:${a.slice(-1)}`),
          })),
          $metadata: {},
        }),
      },
    };
    const r = await rollbackService(
      resolvedService('web'),
      { ports, sink: new MemorySink(), clock, signal: new AbortController().signal },
      { runId: 'rb', force: false, onInterrupt: 'rollback', lockSettleMs: 10 },
    );
    expect(r.outcome).toBe('succeeded');
    expect(aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(tdArn('web:1'));
  });
});

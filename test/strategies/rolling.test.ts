import { describe, expect, it } from 'vitest';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { BatchingServiceWatcher } from '../../src/engine/service-poller.js';
import { MemorySink } from '../../src/events/types.js';
import { AwsApiError } from '../../src/errors/index.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { rollingStrategy } from '../../src/strategies/rolling.js';
import type { EcsService } from '../../src/aws/ports.js';
import type { DeployTarget, StrategyContext, TouchedServices } from '../../src/strategies/types.js';
import { type Behaviour, FakeAws } from '../engine/fake-aws.js';

function setup(behaviours: Behaviour[], o: { onInterrupt?: 'rollback' | 'leave' } = {}) {
  const clock = new VirtualClock();
  const aws = new FakeAws(clock);
  const old = aws.addTaskDefinition('web');
  const next = aws.addTaskDefinition('web');
  aws.addService({ name: 'web', taskDefinition: old, behaviours });
  const sink = new MemorySink();
  const soft = new AbortController();
  const hard = new AbortController();
  const ports = aws.ports();
  const emit = createEmitter(sink, clock);
  const ctx: StrategyContext = {
    ports,
    emit,
    clock,
    signal: soft.signal,
    hardSignal: hard.signal,
    onInterrupt: o.onInterrupt ?? 'rollback',
    calls: createCallRunner({ dryRun: false, emit, hardSignal: hard.signal, ports, runId: 'r' }),
    watcher: new BatchingServiceWatcher(ports, clock),
  };
  const target = (t: Partial<DeployTarget> = {}): DeployTarget => ({
    key: 'web',
    service: 'web',
    cluster: 'prod',
    strategy: { type: 'rolling' },
    create: false,
    taskDefinitionArn: next,
    previousTaskDefinitionArn: old,
    previousDeploymentId: undefined,
    desiredCount: undefined,
    deployment: { minimumHealthyPercent: 50 },
    settings: undefined,
    timeoutMs: 10 * 60_000,
    onFailure: 'rollback',
    purpose: 'deploy',
    ...t,
  });
  return { aws, clock, sink, soft, hard, ctx, target, old, next };
}

/** The touched services preflight reads, holding `svc` as prod/web (the target's own service). */
function touched(svc: EcsService): TouchedServices {
  return { find: (cluster, service) => (cluster === 'prod' && service === 'web' ? svc : undefined) };
}

/** Presses Ctrl-C (the soft signal) as soon as the rollout reports progress. */
function abortOnFirstProgress(ctx: StrategyContext, soft: AbortController): StrategyContext {
  return {
    ...ctx,
    emit: (e) => {
      ctx.emit(e);
      if (e.type === 'service.progress') soft.abort(new Error('SIGINT'));
    },
  };
}

describe('rolling strategy', () => {
  it('follows the PRIMARY deployment UpdateService started until it is COMPLETED', async () => {
    const { aws, sink, ctx, target, next } = setup(['healthy']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('succeeded');
    expect(r.taskDefinitionArn).toBe(next);
    const update = aws.callsOf('UpdateService')[0];
    expect(update).toMatchObject({ cluster: 'prod', service: 'web', taskDefinition: next });
    // The live deploymentConfiguration is kept and the manifest's keys are merged over it.
    expect(update?.deploymentConfiguration).toEqual({ minimumHealthyPercent: 50, maximumPercent: 200 });
    const started = sink.ofType('service.started')[0];
    expect(started?.deploymentId).toBe(aws.service('web').deployments?.[0]?.id);
    expect(r.deploymentId).toBe(started?.deploymentId);
    const progress = sink.ofType('service.progress');
    expect(progress.at(-1)).toMatchObject({ rolloutState: 'COMPLETED', deploymentId: started?.deploymentId });
  });

  it('emits each new service event once, oldest first', async () => {
    const { sink, ctx, target } = setup(['healthy']);
    await rollingStrategy.deploy(target(), ctx);
    const messages = sink.ofType('service.event').map((e) => e.message);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(messages).size).toBe(messages.length);
    expect(messages[0]).toContain('has started');
    expect(messages.at(-1)).toContain('deployment completed');
  });

  it('prints events that share a timestamp once each, and none of the 100 the service already had', async () => {
    const { aws, sink, ctx, target, clock } = setup(['healthy']);
    const svc = aws.service('web');
    const old = new Date(clock.now() - 1000);
    svc.events = Array.from({ length: 100 }, (_, i) => ({ id: `old-${i}`, createdAt: old, message: `(service web) old event ${i}` }));
    const watching: StrategyContext = {
      ...ctx,
      emit: (e) => {
        ctx.emit(e);
        if (e.type === 'service.started') {
          const at = new Date(clock.now());
          svc.events = [
            { id: 'same-b', createdAt: at, message: '(service web) has started 1 tasks: (task b).' },
            { id: 'same-a', createdAt: at, message: '(service web) has started 1 tasks: (task a).' },
            ...(svc.events ?? []),
          ].slice(0, 100);
        }
      },
    };
    await rollingStrategy.deploy(target(), watching);
    const messages = sink.ofType('service.event').map((e) => e.message);
    expect(messages.filter((m) => m.includes('old event'))).toEqual([]);
    expect(messages.filter((m) => m.includes('(task a)') || m.includes('(task b)'))).toEqual([
      '(service web) has started 1 tasks: (task a).',
      '(service web) has started 1 tasks: (task b).',
    ]);
    expect(new Set(messages).size).toBe(messages.length);
  });

  it('reports a circuit-breaker rollback as rolled-back with the reason and the stopped tasks, without a second UpdateService', async () => {
    const { aws, ctx, target, old } = setup(['circuit-breaker']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(r.reason).toContain('ECS rolled back to web:1');
    expect(r.taskDefinitionArn).toBe(old);
    expect(r.stoppedTasks?.[0]?.containers[0]?.exitCode).toBe(137);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('treats its deployment disappearing in favour of the previous revision as a rollback', async () => {
    const { aws, ctx, target } = setup(['vanish']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toMatch(/is gone/);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('rolls back itself when the deployment FAILED without an ECS rollback and onFailure is rollback', async () => {
    const { aws, sink, ctx, target, old } = setup(['fail', 'healthy']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('rolled-back');
    expect(aws.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([target().taskDefinitionArn, old]);
    expect(r.reason).toMatch(/rolled back to web:1 \(rollback deployment .* completed\)/);
    expect(sink.ofType('service.phase').map((p) => p.phase)).toContain('rolling-back');
  });

  /** A context whose UpdateService calls after the first one (the rollback) fail. */
  function rollbackCallFails(ctx: StrategyContext): StrategyContext {
    let calls = 0;
    return {
      ...ctx,
      ports: {
        ...ctx.ports,
        ecs: {
          ...ctx.ports.ecs,
          updateService: async (input, o) => {
            calls += 1;
            if (calls > 1) {
              throw new AwsApiError({ service: 'ECS', operation: 'UpdateService', awsCode: 'AccessDeniedException', message: 'denied' });
            }
            return ctx.ports.ecs.updateService(input, o);
          },
        },
      },
    };
  }

  it('reports a failed deployment whose rollback call failed as failed, still on the new revision, not as rolled back', async () => {
    const { ctx, target, next } = setup(['fail']);
    const r = await rollingStrategy.deploy(target(), rollbackCallFails(ctx));
    expect(r.outcome).toBe('failed');
    expect(r.taskDefinitionArn).toBe(next);
    expect(r.reason).toMatch(/the rollback call failed: .*denied/);
    expect(r.reason).not.toMatch(/; rolled back to/);
  });

  it('follows its rollback when the rollback call reported a server error after the change was made', async () => {
    const { aws, sink, ctx, target, old } = setup(['fail', 'healthy']);
    let calls = 0;
    const flaky: StrategyContext = {
      ...ctx,
      ports: {
        ...ctx.ports,
        ecs: {
          ...ctx.ports.ecs,
          updateService: async (input, o) => {
            const out = await ctx.ports.ecs.updateService(input, o);
            calls += 1;
            if (calls > 1) {
              throw new AwsApiError({
                service: 'ECS',
                operation: 'UpdateService',
                awsCode: 'ServerException',
                message: 'oops',
                httpStatus: 500,
              });
            }
            return out;
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), flaky);
    expect(aws.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([target().taskDefinitionArn, old]);
    expect(r.outcome).toBe('rolled-back');
    expect(r.taskDefinitionArn).toBe(old);
    expect(r.reason).toMatch(/rolled back to web:1 \(rollback deployment .* completed\)/);
    expect(sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('shows the rollback deployment'));
  });

  it('reports a rollback deployment that failed too as failed, with both reasons', async () => {
    const { aws, ctx, target, old } = setup(['fail', 'fail']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(aws.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([target().taskDefinitionArn, old]);
    expect(r.outcome).toBe('failed');
    // The rollback moved the service back to the old revision, where it is failing too.
    expect(r.taskDefinitionArn).toBe(old);
    expect(r.reason).toMatch(/tasks failed to start.*rollback deployment .* did not complete/);
  });

  it('says the service stays on the new revision when the rollback after Ctrl-C could not be made', async () => {
    const { ctx, target, next, soft } = setup(['stuck']);
    const r = await rollingStrategy.deploy(target(), abortOnFirstProgress(rollbackCallFails(ctx), soft));
    expect(r.outcome).toBe('interrupted');
    expect(r.taskDefinitionArn).toBe(next);
    expect(r.reason).toMatch(/the rollback call failed/);
  });

  it('leaves a FAILED deployment alone when onFailure is leave, and says so', async () => {
    const { aws, ctx, target } = setup(['fail']);
    const r = await rollingStrategy.deploy(target({ onFailure: 'leave' }), ctx);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/left as it is \(onFailure: leave\)/);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('times out and rolls back to the previous revision when onFailure is rollback', async () => {
    const { aws, ctx, target, old, clock } = setup(['stuck', 'healthy']);
    const t0 = clock.now();
    const r = await rollingStrategy.deploy(target({ timeoutMs: 60_000 }), ctx);
    expect(r.outcome).toBe('timed-out');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(60_000);
    expect(r.taskDefinitionArn).toBe(old);
    expect(aws.callsOf('UpdateService').at(-1)?.taskDefinition).toBe(old);
    expect(r.reason).toMatch(/did not complete within 60s; rolled back to web:1/);
  });

  it('times out and leaves the deployment in progress when onFailure is leave', async () => {
    const { aws, ctx, target, next } = setup(['stuck']);
    const r = await rollingStrategy.deploy(target({ timeoutMs: 60_000, onFailure: 'leave' }), ctx);
    expect(r.outcome).toBe('timed-out');
    expect(r.taskDefinitionArn).toBe(next);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('fails without undoing anything when another deployment replaced ours', async () => {
    const { aws, ctx, target } = setup(['replaced']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/replaced by/);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('fails at once, without undoing anything, when a newer deployment supersedes ours while it is still in progress', async () => {
    const { aws, ctx, target, clock } = setup(['superseded']);
    const t0 = clock.now();
    const r = await rollingStrategy.deploy(target({ timeoutMs: 10 * 60_000 }), ctx);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/replaced by ecs-svc\/\d+ \(someone-else:1\)/);
    expect(r.taskDefinitionArn).toMatch(/someone-else:1$/);
    // Neither waited out the timeout nor fought the other deployment with an UpdateService of its own.
    expect(clock.now() - t0).toBeLessThan(60_000);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('waits for the verdict when ECS starts its rollback before it marks ours FAILED, and reports the rollback', async () => {
    const { aws, ctx, target, old } = setup(['slow-circuit-breaker']);
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('rolled-back');
    expect(r.reason).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(r.reason).toMatch(/ECS rolled back to web:1 \(rollback deployment .* completed\)/);
    expect(r.taskDefinitionArn).toBe(old);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('rolls back on Ctrl-C when onInterrupt is rollback', async () => {
    const { aws, ctx, target, old, soft } = setup(['stuck', 'healthy']);
    const r = await rollingStrategy.deploy(target(), abortOnFirstProgress(ctx, soft));
    expect(r.outcome).toBe('interrupted');
    expect(r.taskDefinitionArn).toBe(old);
    expect(aws.callsOf('UpdateService').at(-1)?.taskDefinition).toBe(old);
  });

  it('leaves the rollout to ECS on Ctrl-C when onInterrupt is leave', async () => {
    const { aws, ctx, target, next, soft } = setup(['stuck'], { onInterrupt: 'leave' });
    const r = await rollingStrategy.deploy(target(), abortOnFirstProgress(ctx, soft));
    expect(r.outcome).toBe('interrupted');
    expect(r.taskDefinitionArn).toBe(next);
    expect(r.reason).toMatch(/left in progress/);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('refuses, before any call, a service that CodeDeploy controls', () => {
    const { aws, target } = setup([]);
    const svc = { ...aws.service('web'), deploymentController: { type: 'CODE_DEPLOY' as const } };
    expect(rollingStrategy.preflight(target(), touched(svc))).toEqual([expect.stringMatching(/CODE_DEPLOY deployment controller/)]);
  });

  it('follows the old deployment as "the same deployment" when an emulator starts none, and says so', async () => {
    const { aws, sink, ctx, target } = setup([]);
    aws.updateWithoutDeployment = true;
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r.outcome).toBe('succeeded');
    expect(sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringMatching(/PRIMARY deployment .* names web:1/));
  });

  it('fails when the update left neither a deployment nor the service on the new revision', async () => {
    const { aws, ctx, target } = setup([]);
    aws.updateWithoutDeployment = true;
    const ports = ctx.ports;
    const lying: StrategyContext = {
      ...ctx,
      ports: {
        ...ports,
        ecs: {
          ...ports.ecs,
          updateService: async (input, o) => {
            const out = await ports.ecs.updateService(input, o);
            return { ...out, service: { ...out.service, taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/web:1' } };
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), lying);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/started no deployment of web:2/);
  });

  it('follows the deployment when UpdateService reported an error after the change was made', async () => {
    const { aws, sink, ctx, target, next } = setup(['healthy']);
    const ports = ctx.ports;
    const flaky: StrategyContext = {
      ...ctx,
      ports: {
        ...ports,
        ecs: {
          ...ports.ecs,
          updateService: async (input, o) => {
            await ports.ecs.updateService(input, o);
            throw new AwsApiError({ service: 'ECS', operation: 'UpdateService', awsCode: 'ServerException', message: 'internal error' });
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), flaky);
    expect(r.outcome).toBe('succeeded');
    expect(r.taskDefinitionArn).toBe(next);
    expect(sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('shows the new deployment'));
    expect(aws.count('UpdateService')).toBe(1);
  });

  it.each([0, 1])(
    'finds the deployment it started by reading the service when the UpdateService response lists none (%i stale reads)',
    async (stale) => {
      const { aws, sink, ctx: base, target, next, clock } = setup(['healthy']);
      const ctx = stale > 0 ? staleReads(base, clock, stale) : base;
      const ports = ctx.ports;
      const terse: StrategyContext = {
        ...ctx,
        ports: {
          ...ports,
          ecs: {
            ...ports.ecs,
            updateService: async (input, o) => {
              const out = await ports.ecs.updateService(input, o);
              return { ...out, service: { ...out.service, deployments: [] } };
            },
          },
        },
      };
      const r = await rollingStrategy.deploy(target(), terse);
      expect(r.outcome).toBe('succeeded');
      expect(r.taskDefinitionArn).toBe(next);
      const ours = aws.service('web').deployments?.find((d) => d.taskDefinition === next)?.id;
      expect(r.deploymentId).toBe(ours);
      expect(sink.ofType('service.started')[0]?.deploymentId).toBe(ours);
      expect(aws.count('UpdateService')).toBe(1);
    },
  );

  it('fails, naming the revision, when neither the response nor the service shows a deployment of it', async () => {
    const { aws, ctx, target, next } = setup([]);
    aws.updateWithoutDeployment = true;
    const ports = ctx.ports;
    const terse: StrategyContext = {
      ...ctx,
      ports: {
        ...ports,
        ecs: {
          ...ports.ecs,
          updateService: async (input, o) => {
            const out = await ports.ecs.updateService(input, o);
            return { ...out, service: { ...out.service, deployments: [] } };
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), terse);
    expect(r.outcome).toBe('failed');
    expect(r.taskDefinitionArn).toBe(next);
    expect(r.reason).toMatch(/no PRIMARY deployment/);
  });

  /** ECS reads are eventually consistent: the first `stale` DescribeServices after each UpdateService return the service as it was before. */
  function staleReads(ctx: StrategyContext, clock: VirtualClock, stale = 1): StrategyContext {
    let before: Awaited<ReturnType<StrategyContext['ports']['ecs']['describeServices']>> | undefined;
    let left = 0;
    const ports: StrategyContext['ports'] = {
      ...ctx.ports,
      ecs: {
        ...ctx.ports.ecs,
        describeServices: async (input, o) => {
          const out = await ctx.ports.ecs.describeServices(input, o);
          if (left > 0 && before) {
            left -= 1;
            return before;
          }
          before = out;
          return out;
        },
        updateService: async (input, o) => {
          left = stale;
          return ctx.ports.ecs.updateService(input, o);
        },
      },
    };
    return { ...ctx, ports, watcher: new BatchingServiceWatcher(ports, clock) };
  }

  it('reads a stale service right after the update as stale, not as ECS having rolled back', async () => {
    const { aws, ctx, target, next, clock } = setup(['healthy']);
    const r = await rollingStrategy.deploy(target(), staleReads(ctx, clock));
    expect(r.outcome).toBe('succeeded');
    expect(r.taskDefinitionArn).toBe(next);
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('follows its own rollback through a stale read right after the rollback call', async () => {
    const { aws, ctx, target, old, clock } = setup(['fail', 'healthy']);
    const r = await rollingStrategy.deploy(target(), staleReads(ctx, clock));
    expect(aws.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([target().taskDefinitionArn, old]);
    expect(r.outcome).toBe('rolled-back');
    expect(r.taskDefinitionArn).toBe(old);
    expect(r.reason).toMatch(/rolled back to web:1 \(rollback deployment .* completed\)/);
  });

  it('reads a service it just created as MISSING only until reads catch up, then follows its first deployment', async () => {
    const { aws, ctx, target, next, clock } = setup([]);
    let missingLeft = 0;
    const ports: StrategyContext['ports'] = {
      ...ctx.ports,
      ecs: {
        ...ctx.ports.ecs,
        createService: async (input, o) => {
          missingLeft = 1;
          return ctx.ports.ecs.createService(input, o);
        },
        describeServices: async (input, o) => {
          if (missingLeft > 0) {
            missingLeft -= 1;
            return { services: [], failures: [{ arn: 'jobs', reason: 'MISSING' }], $metadata: {} };
          }
          return ctx.ports.ecs.describeServices(input, o);
        },
      },
    };
    const r = await rollingStrategy.deploy(
      target({ service: 'jobs', key: 'jobs', create: true, previousTaskDefinitionArn: undefined, desiredCount: 1 }),
      { ...ctx, ports, watcher: new BatchingServiceWatcher(ports, clock) },
    );
    expect(r.outcome).toBe('succeeded');
    expect(r.taskDefinitionArn).toBe(next);
    expect(aws.count('CreateService')).toBe(1);
  });

  it('looks again before saying nothing changed when UpdateService failed on the server side and reads lag', async () => {
    const { aws, sink, ctx, target, next, clock } = setup(['healthy']);
    const lagging = staleReads(ctx, clock, 2);
    const flaky: StrategyContext = {
      ...lagging,
      ports: {
        ...lagging.ports,
        ecs: {
          ...lagging.ports.ecs,
          updateService: async (input, o) => {
            await lagging.ports.ecs.updateService(input, o);
            throw new AwsApiError({
              service: 'ECS',
              operation: 'UpdateService',
              awsCode: 'ServerException',
              message: 'internal error',
              httpStatus: 500,
            });
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), flaky);
    expect(r.outcome).toBe('succeeded');
    expect(r.taskDefinitionArn).toBe(next);
    expect(sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('shows the new deployment'));
    expect(aws.count('UpdateService')).toBe(1);
  });

  it('says the service was not changed when UpdateService failed and nothing moved', async () => {
    const { ctx, target, old } = setup([]);
    const failing: StrategyContext = {
      ...ctx,
      ports: {
        ...ctx.ports,
        ecs: {
          ...ctx.ports.ecs,
          updateService: async () => {
            throw new AwsApiError({ service: 'ECS', operation: 'UpdateService', awsCode: 'InvalidParameterException', message: 'bad' });
          },
        },
      },
    };
    const r = await rollingStrategy.deploy(target(), failing);
    expect(r).toMatchObject({ outcome: 'failed', taskDefinitionArn: old });
    expect(r.reason).toMatch(/UpdateService failed: .*bad; the service was not changed/);
  });

  it('starts nothing when Ctrl-C came before the update', async () => {
    const { aws, ctx, target, old, soft } = setup(['healthy']);
    soft.abort(new Error('SIGINT'));
    const r = await rollingStrategy.deploy(target(), ctx);
    expect(r).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: old });
    expect(aws.count('UpdateService')).toBe(0);
  });

  it.each([
    [2, 75, 100, true],
    [3, 100, 125, true],
    [2, 50, 100, false],
    [3, 100, 150, false],
    [0, 100, 100, false],
  ])('with desired %i, min %i and max %i, refuses a deployment that cannot progress: %s', (desired, min, max, refused) => {
    const { aws, target } = setup([]);
    const problems = rollingStrategy.preflight(
      target({ desiredCount: desired, deployment: { minimumHealthyPercent: min, maximumPercent: max } }),
      touched(aws.service('web')),
    );
    expect(problems.length > 0).toBe(refused);
    if (refused) expect(problems[0]).toMatch(/can neither start nor stop a task/);
  });
});

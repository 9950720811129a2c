/**
 * ecsdeploy's own rollback (onFailure, Ctrl-C) puts back everything the update changed, not only the task
 * definition: desired count, deployment configuration, network configuration, other settings and tags, as they
 * were read before the update; a desired count autoscaling owns stays as autoscaling set it. On the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER, engineOnSandbox, manifestDoc, service, shortArn as short } from './sandbox-harness.js';

const NETWORK = (subnet: string) => ({ awsvpcConfiguration: { subnets: [subnet], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } });

/** What the account runs before the run: web at 2 tasks, circuit breaker rolling back, subnet-1. */
const SEED = manifestDoc({ web: service('web', { networkConfiguration: NETWORK('subnet-1') }) });

/**
 * The update: 3 tasks, min 50 %, a circuit breaker that does not roll back (so ECS leaves the failure to
 * ecsdeploy), subnet-2, a grace period and a tag.
 */
function updated(extra: Record<string, unknown> = {}) {
  return manifestDoc({
    web: service('web', {
      desiredCount: 3,
      networkConfiguration: NETWORK('subnet-2'),
      deployment: { minimumHealthyPercent: 50, maximumPercent: 200, circuitBreaker: { enable: true, rollback: false } },
      healthCheckGracePeriodSeconds: 30,
      tags: [{ key: 'team', value: 'shop' }],
      ...extra,
    }),
  });
}

function settingsOf(svc: Awaited<ReturnType<Awaited<ReturnType<typeof engineOnSandbox>>['describe']>>) {
  return {
    revision: short(svc.taskDefinition),
    desiredCount: svc.desiredCount,
    minimumHealthyPercent: svc.deploymentConfiguration?.minimumHealthyPercent,
    circuitBreaker: svc.deploymentConfiguration?.deploymentCircuitBreaker,
    subnets: svc.networkConfiguration?.awsvpcConfiguration?.subnets,
    grace: svc.healthCheckGracePeriodSeconds ?? 0,
    tags: (svc.tags ?? []).filter((t) => !t.key?.startsWith('ecsdeploy:')),
  };
}

describe('ecsdeploy rolling back its own update', () => {
  it('after a failure ECS did not undo, puts back the desired count, deployment and network configuration, grace period and tags', async () => {
    const h = await engineOnSandbox({ seed: SEED, manifest: updated(), scenario: { images: [{ match: '*web:v2', crashOnStart: true }] } });
    const before = settingsOf(await h.describe('web'));
    expect(before).toMatchObject({
      revision: 'web:1',
      desiredCount: 2,
      minimumHealthyPercent: 100,
      subnets: ['subnet-1'],
      grace: 0,
      tags: [],
    });
    const plan = await h.plan();
    const r = await h.apply(plan);
    expect(r.services[0]).toMatchObject({ outcome: 'rolled-back' });
    expect(r.services[0]?.reason).toMatch(/rolled back to web:1/);
    // The update changed them all ...
    expect(h.rec.callsOf('UpdateService')[0]).toMatchObject({ desiredCount: 3, healthCheckGracePeriodSeconds: 30 });
    expect(h.rec.callsOf('TagResource').some((t) => JSON.stringify(t.tags).includes('"team"'))).toBe(true);
    // ... and the undo put every one back, in the same call as the task definition.
    const undo = h.rec.callsOf('UpdateService')[1];
    expect(undo).toMatchObject({
      taskDefinition: expect.stringMatching(/web:1$/),
      desiredCount: 2,
      healthCheckGracePeriodSeconds: 0,
      networkConfiguration: NETWORK('subnet-1'),
      deploymentConfiguration: { minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(settingsOf(await h.describe('web'))).toEqual(before);
    expect(h.sink.ofType('service.phase').find((p) => p.phase === 'rolling-back')?.detail).toMatch(
      /^UpdateService to web:1; watching it for at most 10m \(as long as the timeout\)$/,
    );
  });

  it('after Ctrl-C, puts everything back too', async () => {
    const h = await engineOnSandbox({ seed: SEED, manifest: updated(), scenario: { images: [{ match: '*web:v2', startSeconds: 3600 }] } });
    const before = settingsOf(await h.describe('web'));
    const emit = h.sink.emit.bind(h.sink);
    h.sink.emit = (e) => {
      emit(e);
      if (e.type === 'service.progress') h.soft.abort(new Error('SIGINT'));
    };
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('interrupted');
    expect(settingsOf(await h.describe('web'))).toEqual(before);
  });

  it('leaves a desired count that autoscaling owns as autoscaling set it', async () => {
    const h = await engineOnSandbox({
      seed: SEED,
      manifest: updated({ desiredCount: 'autoscaling' }),
      scenario: { images: [{ match: '*web:v2', crashOnStart: true }] },
    });
    // Autoscaling scales the service out while the deployment runs.
    let scaled = false;
    h.rec.afterCall = async (call) => {
      if (scaled || call.op !== 'UpdateService') return;
      scaled = true;
      await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', desiredCount: 5 });
    };
    const r = await h.apply(await h.plan());
    expect(r.services[0]?.outcome).toBe('rolled-back');
    expect(h.rec.callsOf('UpdateService')[1]).not.toHaveProperty('desiredCount');
    expect(await h.describe('web')).toMatchObject({ desiredCount: 5, networkConfiguration: NETWORK('subnet-1') });
  });
});

describe('--timeout', () => {
  it('bounds the wait for the rollback after a timeout too: a service takes at most twice the timeout, and says so when the rollback starts', async () => {
    // Every task takes an hour to start: neither the deployment nor its rollback can finish.
    const h = await engineOnSandbox({
      manifest: manifestDoc({ web: service('web') }),
      scenario: { images: [{ match: '*', startSeconds: 3600 }] },
    });
    const t0 = h.clock.now();
    const r = await h.apply(await h.plan(), { timeoutMs: 2 * 60_000 });
    expect(r.services[0]?.outcome).toBe('timed-out');
    expect(r.services[0]?.reason).toMatch(
      /did not complete within 120s; rolled back to web:1 \(rollback deployment ecs-svc\/\d+ still in progress\)/,
    );
    expect(h.sink.ofType('service.phase').find((p) => p.phase === 'rolling-back')?.detail).toMatch(
      /watching it for at most 2m \(as long as the timeout\)$/,
    );
    // Twice the timeout, and the few seconds the lock and the calls take.
    expect(h.clock.now() - t0).toBeLessThanOrEqual(4 * 60_000 + 15_000);
  });
});

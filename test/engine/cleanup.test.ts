/**
 * Cleanup never takes away what anything may still need: another environment's service in another cluster running
 * the same family, that service's rollback target, the revision this run's rollback would go back to. keepRevisions
 * counts the revisions nothing needs, and `rollback` never picks a revision that was deregistered. On the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER, engineOnSandbox, manifestDoc, shortArn as short } from './sandbox-harness.js';

/** A Fargate service of family `shop` in `cluster`, its image `repo/shop:<tag>` (v2 in the manifest). */
function shop(cluster: string): Record<string, unknown> {
  return {
    service: `shop-${cluster}`,
    cluster,
    taskDefinition: {
      family: 'shop',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'shop', image: 'repo/shop:v1', essential: true }],
    },
    images: { shop: `repo/shop:\${env:TAG:-v2}` },
    desiredCount: 1,
  };
}

/**
 * prod and staging share the family `shop`, in two clusters; this run's manifest knows prod only. Seeded: prod
 * runs shop:1, staging shop:2; staging was then deployed to shop:3 (so a rollback of it goes back to shop:2), and
 * shop:4 and shop:5 were registered and never used. The run deploys prod to shop:6, keeping 1 spare revision.
 */
async function twoEnvironments() {
  const h = await engineOnSandbox({
    seed: manifestDoc({ prod: shop(CLUSTER), staging: shop('staging') }),
    manifest: manifestDoc({ prod: shop(CLUSTER) }, { keepRevisions: 1 }),
  });
  const register = async (image: string) => {
    const td = (await h.admin.ecs.describeTaskDefinition({ taskDefinition: 'shop:2' })).taskDefinition ?? {};
    const out = await h.admin.ecs.registerTaskDefinition({
      family: 'shop',
      cpu: td.cpu,
      memory: td.memory,
      networkMode: td.networkMode,
      requiresCompatibilities: td.requiresCompatibilities,
      containerDefinitions: [{ ...td.containerDefinitions?.[0], image }],
    } as never);
    return out.taskDefinition?.taskDefinitionArn as string;
  };
  await h.admin.ecs.updateService({
    cluster: 'staging',
    service: 'shop-staging',
    taskDefinition: await register('repo/shop:staging-next'),
  });
  await h.clock.sleep(5 * 60_000);
  await register('repo/shop:unused-1');
  await register('repo/shop:unused-2');
  return h;
}

describe('cleanup', () => {
  it('keeps what another environment’s service runs and would roll back to, and counts keepRevisions among the rest', async () => {
    const h = await twoEnvironments();
    const staging = await h.admin.ecs.describeServices({ cluster: 'staging', services: ['shop-staging'] });
    expect(short(staging.services?.[0]?.taskDefinition)).toBe('shop:3');
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('succeeded');
    expect(short(h.sink.ofType('taskdef.registered')[0]?.taskDefinitionArn)).toBe('shop:6');
    // Needed: shop:6 (prod runs it), shop:1 (prod's rollback), shop:3 (staging runs it), shop:2 (staging's rollback).
    // Spare: shop:5 and shop:4, of which the newest stays.
    expect(h.rec.callsOf('DeregisterTaskDefinition').map((c) => short(c.taskDefinition))).toEqual(['shop:4']);
    const active = await h.admin.ecs.listTaskDefinitions({ familyPrefix: 'shop', status: 'ACTIVE' });
    expect(active.taskDefinitionArns?.map(short)).toEqual(['shop:1', 'shop:2', 'shop:3', 'shop:5', 'shop:6']);
  });

  it('reads the region in few calls: one ListClusters, one ListServices per cluster, one DescribeServices per 10 services', async () => {
    const h = await twoEnvironments();
    const before = h.rec.calls.length;
    await h.apply(await h.plan());
    const cleanup = h.rec.calls.slice(before).slice(h.rec.calls.slice(before).findIndex((c) => c.op === 'ListClusters'));
    const count = (op: string) => cleanup.filter((c) => c.op === op).length;
    expect(count('ListClusters')).toBe(1);
    expect(count('ListServices')).toBe(2);
    expect(cleanup.filter((c) => c.op === 'DescribeServices' && !c.input.include)).toHaveLength(2);
    // The rollback target of each service running the family: prod and staging.
    expect(count('ListServiceDeployments')).toBe(2);
    expect(count('DescribeServiceRevisions')).toBe(2);
  });

  it('with keepRevisions 1, leaves the revision a rollback needs: rollback afterwards goes back to it', async () => {
    const h = await twoEnvironments();
    await h.apply(await h.plan());
    const rb = await h.rollback('prod');
    expect(rb.outcome).toBe('succeeded');
    expect(short((await h.describe('prod')).taskDefinition)).toBe('shop:1');
  });
});

describe('rollback', () => {
  it('skips a previous deployment whose revision was deregistered, and goes back to the newest one still ACTIVE', async () => {
    const h = await twoEnvironments();
    // prod: shop:1 → shop:6 (this run) → shop:7 (another run, without cleanup); a careless cleanup then deregistered
    // shop:6.
    await h.apply(await h.plan());
    const second = await h.plan(h.load({ images: ['shop=repo/shop:v3'] }));
    const next = await h.apply({ ...second, keepRevisions: 0 }, { runId: 'run-2' });
    expect(next.outcome).toBe('succeeded');
    expect(short((await h.describe('prod')).taskDefinition)).toBe('shop:7');
    await h.admin.ecs.deregisterTaskDefinition({ taskDefinition: h.tdArn('shop:6') });
    const rb = await h.rollback('prod');
    expect(rb.outcome).toBe('succeeded');
    expect(short((await h.describe('prod')).taskDefinition)).toBe('shop:1');
    expect(h.sink.ofType('log').some((l) => /shop:6 is INACTIVE/.test(l.message))).toBe(true);
  });

  it('refuses --to a deregistered revision before changing anything', async () => {
    const h = await twoEnvironments();
    await h.admin.ecs.deregisterTaskDefinition({ taskDefinition: h.tdArn('shop:4') });
    await expect(h.rollback('prod', { to: '4' })).rejects.toMatchObject({
      code: 'ROLLBACK_TARGET_NOT_FOUND',
      message: expect.stringContaining('shop:4 is INACTIVE'),
    });
    expect(h.rec.mutatingCalls()).toEqual([]);
  });
});

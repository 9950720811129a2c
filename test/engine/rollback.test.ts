/**
 * rollbackService against the in-process sandbox: revisions registered and deployed through the SDK, the rollback
 * judged by the calls it made and where the service ends up.
 */
import { describe, expect, it } from 'vitest';
import { AwsApiError } from '../../src/errors/index.js';
import {
  CLUSTER,
  DEPLOYED,
  type EngineSandbox,
  engineOnSandbox,
  manifestDoc,
  REGISTERED,
  service,
  shortArn as short,
} from './sandbox-harness.js';

/** A new revision of `web` running `image`, with these tags (ecsdeploy's marks, or none). */
const register = (h: EngineSandbox, image: string, tags: { key: string; value: string }[] = []) => h.register('web', image, tags);

/** Moves the service to `arn` outside ecsdeploy and lets simulated time pass until the deployment completed. */
async function deployed(h: EngineSandbox, arn: string): Promise<void> {
  await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', taskDefinition: arn });
  await h.clock.sleep(10 * 60_000);
  const svc = await h.describe('web');
  expect(svc.deployments?.map((d) => [d.taskDefinition, d.rolloutState])).toEqual([[arn, 'COMPLETED']]);
}

/** An account whose ListServiceDeployments answers nothing (moto; accounts from before the API): tags decide. */
function withoutDeploymentHistory(h: EngineSandbox): void {
  h.rec.ports.ecs.listServiceDeployments = () =>
    Promise.reject(
      new AwsApiError({ service: 'ECS', operation: 'ListServiceDeployments', awsCode: 'UnknownOperationException', message: 'not served' }),
    );
}

async function sandbox(o: { deployment?: Record<string, unknown>; images?: { match: string; [k: string]: unknown }[] } = {}) {
  return engineOnSandbox({
    manifest: manifestDoc({ web: service('web', o.deployment ? { deployment: o.deployment } : {}) }),
    ...(o.images ? { scenario: { images: o.images } } : {}),
  });
}

describe('rollbackService', () => {
  it('goes back to the previous revision that deployed successfully, skipping a newer one that failed', async () => {
    const h = await sandbox();
    withoutDeploymentHistory(h);
    await h.admin.ecs.tagResource({ resourceArn: h.tdArn('web:1'), tags: DEPLOYED }); // web:1 ran fine
    await register(h, 'repo/web:2', REGISTERED); // web:2 was registered but its deployment failed
    const current = await register(h, 'repo/web:3', DEPLOYED); // web:3 runs now
    await deployed(h, current);
    const r = await h.rollback('web');
    expect(r.outcome).toBe('succeeded');
    expect(h.rec.callsOf('UpdateService').map((u) => u.taskDefinition)).toEqual([h.tdArn('web:1')]);
    expect(h.sink.ofType('service.started')[0]).toMatchObject({ fromTaskDefinition: current, toTaskDefinition: h.tdArn('web:1') });
    expect(h.sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('deployed successfully'));
    expect((await h.describe('web')).taskDefinition).toBe(h.tdArn('web:1'));
  });

  it('falls back to the newest older revision ecsdeploy registered when none is marked deployed', async () => {
    const h = await sandbox();
    withoutDeploymentHistory(h);
    // web:1 (seeded) is not ecsdeploy's.
    await register(h, 'repo/web:2', REGISTERED);
    await deployed(h, await register(h, 'repo/web:3', REGISTERED));
    await h.rollback('web');
    expect(h.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(h.tdArn('web:2'));
  });

  it('takes --to as a revision number of the family or as a full ARN', async () => {
    const a = await sandbox();
    await register(a, 'repo/web:2');
    await deployed(a, await register(a, 'repo/web:3'));
    await a.rollback('web', { to: '1' });
    expect(a.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(a.tdArn('web:1'));

    const b = await sandbox();
    await register(b, 'repo/web:2');
    await deployed(b, await register(b, 'repo/web:3'));
    await b.rollback('web', { to: b.tdArn('web:2') });
    expect(b.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(b.tdArn('web:2'));
  });

  it('refuses with a hint when there is nothing to roll back to', async () => {
    const h = await sandbox();
    await h.admin.ecs.tagResource({ resourceArn: h.tdArn('web:1'), tags: DEPLOYED });
    await expect(h.rollback('web')).rejects.toMatchObject({ code: 'ROLLBACK_TARGET_NOT_FOUND', hint: expect.stringContaining('--to') });
    expect(h.rec.count('UpdateService')).toBe(0);
  });

  it('is not blocked by a deployment in progress: rolling back is how one leaves a stuck deployment', async () => {
    const h = await sandbox({ images: [{ match: '*web:stuck', startSeconds: 86_400 }] });
    await h.admin.ecs.tagResource({ resourceArn: h.tdArn('web:1'), tags: DEPLOYED });
    const stuck = await register(h, 'repo/web:stuck', REGISTERED);
    await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', taskDefinition: stuck });
    expect((await h.describe('web')).deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');
    const r = await h.rollback('web');
    expect(r.outcome).toBe('succeeded');
    expect(h.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(h.tdArn('web:1'));
    expect((await h.describe('web')).deployments?.map((d) => [short(d.taskDefinition), d.rolloutState])).toEqual([['web:1', 'COMPLETED']]);
  });

  it('reports a failed rollback as failed and does not undo it', async () => {
    // The circuit breaker stops a failing deployment without rolling back; the revision chosen crashes.
    const h = await sandbox({
      deployment: { circuitBreaker: { enable: true, rollback: false } },
      images: [{ match: '*web:bad', crashOnStart: true }],
    });
    await register(h, 'repo/web:bad', DEPLOYED);
    await deployed(h, await register(h, 'repo/web:3', DEPLOYED));
    const r = await h.rollback('web', { to: '2' });
    expect(r.outcome).toBe('failed');
    expect(r.services[0]?.reason).toMatch(/circuit breaker/i);
    expect(h.rec.count('UpdateService')).toBe(1);
  });

  it('prefers the service deployments history to the tags', async () => {
    const h = await sandbox();
    // web:2 is tagged as deployed but never was; the history shows web:1 (seeded) as the last success.
    await register(h, 'repo/web:2', DEPLOYED);
    await deployed(h, await register(h, 'repo/web:3', DEPLOYED));
    const r = await h.rollback('web');
    expect(r.outcome).toBe('succeeded');
    expect(h.rec.count('ListServiceDeployments')).toBe(1);
    expect(h.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(h.tdArn('web:1'));
    expect(h.sink.ofType('log').map((l) => l.message)).toContainEqual(expect.stringContaining('previous successful service deployment'));
  });
});

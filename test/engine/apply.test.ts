/**
 * applyPlan against the in-process sandbox: plans built from a manifest and the account (as `ecsdeploy plan`
 * builds them), deployed through real SDK clients on the sandbox's clock. Assertions are on the calls the engine
 * made, the events it emitted and the state the account reached. What the sandbox cannot produce is in
 * fake-only.test.ts, on a fake that contract.test.ts holds to the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { EcsDeployError } from '../../src/errors/index.js';
import type { ServicePlan } from '../../src/plan/types.js';
import { CLUSTER, engineOnSandbox, LOCK_TAG, manifestDoc, service, shortArn as short } from './sandbox-harness.js';

const SNS = 'arn:aws:sns:us-east-1:123456789012:deploys';
const MIGRATE = { name: 'migrate', taskDefinitionOf: 'api', command: ['./manage.py', 'migrate'] };

describe('applyPlan', () => {
  describe('one-off tasks', () => {
    it('registers the new revision once, runs the migration with it, then deploys the service with the same revision', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ api: service('api') }, { before: [MIGRATE] }) });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      expect(h.rec.count('RegisterTaskDefinition')).toBe(1);
      const registered = h.sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
      expect(short(registered)).toBe('api:2');
      expect(h.rec.callsOf('RunTask')[0]).toMatchObject({
        cluster: CLUSTER,
        taskDefinition: registered,
        startedBy: 'ecsdeploy',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        // The first essential container (the sidecar is not essential).
        overrides: { containerOverrides: [{ name: 'api', command: ['./manage.py', 'migrate'] }] },
      });
      expect(h.sink.ofType('oneoff.finished')[0]).toMatchObject({ name: 'migrate', outcome: 'succeeded' });
      expect(h.rec.callsOf('UpdateService')[0]?.taskDefinition).toBe(registered);
      const order = h.rec.mutatingCalls().map((c) => c.op);
      expect(order.indexOf('RunTask')).toBeLessThan(order.indexOf('UpdateService'));
      expect((await h.describe('api')).taskDefinition).toBe(registered);
    });

    it.each([1, 3])('stops the run before any service is touched when the migration exits %i', async (code) => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ api: service('api'), web: service('web') }, { before: [MIGRATE] }),
        scenario: { images: [{ match: '*api:v2', exitCode: code }] },
      });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('failed');
      expect(h.rec.count('UpdateService')).toBe(0);
      const fin = h.sink.ofType('oneoff.finished')[0];
      expect(fin).toMatchObject({ name: 'migrate', outcome: 'failed' });
      expect(fin?.reason).toContain(`exit codes api=${code}`);
      expect(fin?.task?.containers.find((c) => c.name === 'api')?.exitCode).toBe(code);
      expect(r.services.map((s) => [s.key, s.outcome])).toEqual([
        ['api', 'skipped'],
        ['web', 'skipped'],
      ]);
      expect(r.services[0]?.reason).toMatch(/one-off task migrate failed/);
      expect(short((await h.describe('web')).taskDefinition)).toBe('web:1');
    });

    it('starts no one-off task after a Ctrl-C that came while its revision was being registered', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ api: service('api') }, { before: [MIGRATE] }) });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        if (e.type === 'taskdef.registered') h.soft.abort(new Error('SIGINT'));
      };
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('interrupted');
      expect(h.rec.count('RunTask')).toBe(0);
      expect(h.rec.count('UpdateService')).toBe(0);
      expect(r.oneOffs).toEqual([expect.objectContaining({ name: 'migrate', outcome: 'interrupted' })]);
      expect(r.oneOffs[0]?.reason).toMatch(/not started/);
      expect(r.services.map((s) => s.outcome)).toEqual(['skipped']);
    });
  });

  describe('order and concurrency', () => {
    it('deploys a dependency before its dependents and never more than `concurrency` services at once', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({
          c: service('c', { dependsOn: ['a'] }),
          a: service('a'),
          b: service('b'),
          d: service('d', { dependsOn: ['c'] }),
        }),
      });
      const r = await h.apply(await h.plan(), { concurrency: 2 });
      expect(r.outcome).toBe('succeeded');
      const timeline = h.sink.events
        .filter((e) => e.type === 'service.started' || e.type === 'service.finished')
        .map((e) => `${e.type === 'service.started' ? '+' : '-'}${(e as { service: string }).service}`);
      expect(timeline.indexOf('-a')).toBeLessThan(timeline.indexOf('+c'));
      expect(timeline.indexOf('-c')).toBeLessThan(timeline.indexOf('+d'));
      let inFlight = 0;
      let most = 0;
      for (const t of timeline) {
        inFlight += t.startsWith('+') ? 1 : -1;
        most = Math.max(most, inFlight);
      }
      expect(most).toBe(2);
    });

    it('starts nothing new after a failure: dependents and later services are skipped', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ a: service('a'), b: service('b', { dependsOn: ['a'] }), c: service('c') }),
        scenario: { images: [{ match: '*a:v2', crashOnStart: true }] },
      });
      const r = await h.apply(await h.plan(), { concurrency: 1 });
      expect(r.outcome).toBe('failed');
      expect(Object.fromEntries(r.services.map((s) => [s.key, s.outcome]))).toEqual({ a: 'rolled-back', b: 'skipped', c: 'skipped' });
      // ECS rolled `a` back itself (circuit breaker); the engine updated `a` once and nothing else.
      expect(h.rec.callsOf('UpdateService').map((u) => u.service)).toEqual(['a']);
      const finished = h.sink.ofType('apply.finished')[0];
      expect(finished?.outcome).toBe('failed');
      expect(finished?.services.find((s) => s.key === 'b')?.reason).toMatch(/a did not succeed|earlier service failed/);
      expect(short((await h.describe('a')).taskDefinition)).toBe('a:1');
      expect(short((await h.describe('c')).taskDefinition)).toBe('c:1');
    });

    it('polls services of one cluster together: one DescribeServices serves several watched services', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ a: service('a'), b: service('b'), c: service('c') }) });
      await h.apply(await h.plan());
      const batched = h.rec.callsOf('DescribeServices').filter((c) => (c.services as string[]).length > 1 && !c.include);
      expect(batched.length).toBeGreaterThan(0);
    });
  });

  describe('rule 4: a task definition is registered only when it changed', () => {
    it.each([
      ['the desired count', { desiredCount: 3 }, (s: { desiredCount?: number }) => s.desiredCount, 3],
      [
        'the minimum healthy percent',
        { minimumHealthyPercent: 50 },
        (s: { deploymentConfiguration?: { minimumHealthyPercent?: number } }) => s.deploymentConfiguration?.minimumHealthyPercent,
        50,
      ],
    ] as const)('registers nothing when only %s changes, and updates the service in place', async (_what, overrides, read, want) => {
      // The account already runs the manifest's images (TAG=previous): only the setting differs.
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }), env: { TAG: 'previous' } });
      const plan = await h.plan(h.load(overrides));
      expect(plan.services[0]).toMatchObject({ action: 'update', taskDefinitionChanged: false, serviceChanged: true });
      const r = await h.apply(plan);
      expect(r.outcome).toBe('succeeded');
      expect(h.rec.count('RegisterTaskDefinition')).toBe(0);
      expect(h.sink.ofType('taskdef.registered')).toEqual([]);
      expect(h.rec.count('UpdateService')).toBe(1);
      const after = await h.describe('web');
      expect(short(after.taskDefinition)).toBe('web:1');
      expect(read(after as never)).toBe(want);
      const revisions = await h.admin.ecs.listTaskDefinitions({ familyPrefix: 'web' });
      expect(revisions.taskDefinitionArns?.map(short)).toEqual(['web:1']);
    });
  });

  describe('scheduled targets and cleanup', () => {
    it('moves scheduled targets to the new revision, keeping every other target parameter', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc(
          { api: service('api') },
          { after: { scheduledTargets: [{ rule: 'nightly-report', taskDefinitionOf: 'api' }] } },
        ),
      });
      const old = (await h.describe('api')).taskDefinition as string;
      // Replace the seeded target with one that uses every parameter a target can carry.
      const seeded = (await h.admin.events.listTargetsByRule({ Rule: 'nightly-report' })).Targets?.[0];
      const target = {
        Id: seeded?.Id as string,
        Arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`,
        RoleArn: 'arn:aws:iam::123456789012:role/events',
        Input: '{"containerOverrides":[{"name":"api","command":["report"]}]}',
        RetryPolicy: { MaximumRetryAttempts: 2 },
        EcsParameters: {
          TaskDefinitionArn: old,
          TaskCount: 1,
          LaunchType: 'FARGATE' as const,
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-9'], AssignPublicIp: 'DISABLED' as const } },
          PlatformVersion: '1.4.0',
          Tags: [{ Key: 'team', Value: 'reports' }],
        },
      };
      const lambda = { Id: 'lambda', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:x' };
      await h.admin.events.putTargets({ Rule: 'nightly-report', Targets: [target, lambda] });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      const registered = h.sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
      const moved = { ...target, EcsParameters: { ...target.EcsParameters, TaskDefinitionArn: registered } };
      expect(h.rec.callsOf('PutTargets')).toEqual([{ Rule: 'nightly-report', Targets: [moved] }]);
      const now = (await h.admin.events.listTargetsByRule({ Rule: 'nightly-report' })).Targets ?? [];
      expect(now).toHaveLength(2);
      expect(now).toEqual(expect.arrayContaining([moved, lambda]));
      expect(h.sink.ofType('scheduled-target.updated')[0]).toMatchObject({
        rule: 'nightly-report',
        targetId: target.Id,
        from: old,
        to: registered,
      });
    });

    /** web:1 is seeded; `extra` more revisions are registered before the run, which registers the next one. */
    async function withRevisions(extra: number, keepRevisions: number, legacyTarget?: (arn: (n: number) => string) => string) {
      const h = await engineOnSandbox({
        manifest: manifestDoc(
          { web: service('web') },
          { keepRevisions, after: { scheduledTargets: [{ rule: 'cron', taskDefinitionOf: 'web', targetId: 'nightly' }] } },
        ),
      });
      const described = await h.admin.ecs.describeTaskDefinition({ taskDefinition: 'web:1' });
      const { family, containerDefinitions, cpu, memory, networkMode, requiresCompatibilities } = described.taskDefinition ?? {};
      for (let i = 0; i < extra; i++) {
        await h.admin.ecs.registerTaskDefinition({
          family,
          containerDefinitions,
          cpu,
          memory,
          networkMode,
          requiresCompatibilities,
        } as never);
      }
      const arn = (n: number) => h.tdArn(`web:${n}`);
      if (legacyTarget) {
        // Another target of the same rule still runs an old revision: cleanup must keep it.
        await h.admin.events.putTargets({
          Rule: 'cron',
          Targets: [
            {
              Id: 'legacy',
              Arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`,
              EcsParameters: { TaskDefinitionArn: legacyTarget(arn) },
            },
          ],
        });
      }
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      const deregistered = h.rec.callsOf('DeregisterTaskDefinition').map((c) => short(c.taskDefinition));
      const active = await h.admin.ecs.listTaskDefinitions({ familyPrefix: 'web', status: 'ACTIVE' });
      return { h, deregistered: deregistered.sort(), active: (active.taskDefinitionArns ?? []).map(short) };
    }

    it('keeps the newest N revisions besides every one something needs', async () => {
      // web:7 is registered by the run and runs; web:1 ran before it (a rollback goes back to it); another target of
      // the rule still runs web:2. Of the others (6, 5, 4, 3), the newest 3 stay.
      const { h, deregistered, active } = await withRevisions(5, 3, (arn) => arn(2));
      expect(deregistered).toEqual(['web:3']);
      expect(active).toEqual(['web:1', 'web:2', 'web:4', 'web:5', 'web:6', 'web:7']);
      expect(h.sink.ofType('revision.deregistered')).toHaveLength(1);
    });

    it('keeps a revision a scheduled target names as family:revision rather than by its full ARN', async () => {
      // EventBridge stores the reference as written, and RunTask accepts `family:revision`.
      const { deregistered } = await withRevisions(3, 1, () => 'web:2');
      // web:5 runs, web:1 is the rollback target, web:2 the scheduled target's; of 4 and 3 the newest stays.
      expect(deregistered).toEqual(['web:3']);
    });

    it('reads every page of revisions before choosing which to keep', async () => {
      // 101 before the run and 1 registered by it: two pages of ListTaskDefinitions (AWS pages at 100). web:102
      // runs, web:1 is the rollback target; of the 100 others the newest 3 stay.
      const { h, deregistered, active } = await withRevisions(100, 3);
      expect(h.rec.count('ListTaskDefinitions')).toBe(2);
      expect(deregistered).toHaveLength(97);
      expect(active).toEqual(['web:1', 'web:99', 'web:100', 'web:101', 'web:102']);
    });

    it('does not clean up when keepRevisions is 0', async () => {
      const { h, deregistered } = await withRevisions(1, 0);
      expect(h.rec.count('ListTaskDefinitions')).toBe(0);
      expect(deregistered).toEqual([]);
    });

    it('keeps the revision a draining deployment of another service still runs', async () => {
      // web and worker share the task definition family `shop`. worker is mid-deployment: its new tasks start
      // slowly, so its old deployment is still ACTIVE, running the revision it is being replaced from.
      const shared = (name: string) => ({
        taskDefinition: {
          family: 'shop',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name, image: `repo/shop-${name}:v1`, essential: true }],
        },
        images: { [name]: `repo/shop-${name}:\${env:TAG:-v2}` },
        desiredCount: 2,
      });
      const h = await engineOnSandbox({
        manifest: manifestDoc({ web: shared('web'), worker: shared('worker') }, { keepRevisions: 1 }),
        scenario: { images: [{ match: '*shop-worker:v2', startSeconds: 7200 }] },
      });
      // Seeded: web runs shop:1, worker shop:2. worker is then moved to shop:3 (the manifest's), slowly.
      const workerNow = await h.admin.ecs.describeTaskDefinition({ taskDefinition: 'shop:2' });
      const td = workerNow.taskDefinition ?? {};
      const next = await h.admin.ecs.registerTaskDefinition({
        family: 'shop',
        cpu: td.cpu,
        memory: td.memory,
        networkMode: td.networkMode,
        requiresCompatibilities: td.requiresCompatibilities,
        containerDefinitions: [{ ...td.containerDefinitions?.[0], image: 'repo/shop-worker:v2' }],
      } as never);
      await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'worker', taskDefinition: next.taskDefinition?.taskDefinitionArn });
      // Two more revisions nothing uses (shop:4, shop:5): of those, keepRevisions 1 keeps the newest.
      for (let i = 0; i < 2; i++) {
        await h.admin.ecs.registerTaskDefinition({
          family: 'shop',
          cpu: td.cpu,
          memory: td.memory,
          networkMode: td.networkMode,
          requiresCompatibilities: td.requiresCompatibilities,
          containerDefinitions: [{ ...td.containerDefinitions?.[0], image: `repo/shop-unused:${i}` }],
        } as never);
      }
      const plan = await h.plan();
      expect(plan.services.map((s) => [s.key, s.action])).toEqual([
        ['web', 'update'],
        ['worker', 'no-change'],
      ]);
      // worker's rollout is in flight: a run that covers worker is refused; this one deploys web alone.
      await expect(h.apply(plan)).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
      const r = await h.apply(plan, { services: ['web'] });
      expect(r.outcome).toBe('succeeded');
      const worker = await h.describe('worker');
      expect(worker.deployments?.map((d) => [d.status, short(d.taskDefinition)])).toEqual([
        ['PRIMARY', 'shop:3'],
        ['ACTIVE', 'shop:2'],
      ]);
      // shop:6 is web's new revision and shop:1 the one it goes back to on a rollback; shop:3 and shop:2 (draining)
      // are worker's. Of the unused shop:5 and shop:4, the newest stays.
      expect(h.rec.callsOf('DeregisterTaskDefinition').map((c) => short(c.taskDefinition))).toEqual(['shop:4']);
      const active = await h.admin.ecs.listTaskDefinitions({ familyPrefix: 'shop', status: 'ACTIVE' });
      expect(active.taskDefinitionArns?.map(short)).toEqual(['shop:1', 'shop:2', 'shop:3', 'shop:5', 'shop:6']);
    });
  });

  describe('dry run and no changes', () => {
    it('makes no mutating call under --dry-run and reports every call it would make', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc(
          { api: service('api') },
          {
            before: [MIGRATE],
            after: { scheduledTargets: [{ rule: 'cron', taskDefinitionOf: 'api' }] },
            notify: { sns: SNS, eachCall: true },
          },
        ),
      });
      const r = await h.apply(await h.plan(), { dryRun: true });
      expect(h.rec.mutatingCalls()).toEqual([]);
      const would = h.sink.ofType('aws.call');
      expect(would.every((c) => c.dryRun && c.mutating)).toBe(true);
      expect(would.map((c) => c.operation)).toEqual(
        expect.arrayContaining(['TagResource', 'RegisterTaskDefinition', 'RunTask', 'UpdateService', 'PutTargets', 'Publish']),
      );
      expect(would.find((c) => c.operation === 'UpdateService')?.summary).toMatch(/api in prod: taskDefinition → api:\(new revision\)/);
      expect(r.dryRun).toBe(true);
      expect(r.outcome).toBe('succeeded');
      expect(short((await h.describe('api')).taskDefinition)).toBe('api:1');
    });

    it('touches nothing and says so when the plan has no changes', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }), env: { TAG: 'previous' } });
      const plan = await h.plan();
      expect(plan.hasChanges).toBe(false);
      const r = await h.apply(plan);
      expect(r.outcome).toBe('no-change');
      expect(h.rec.calls).toEqual([]);
      expect(h.sink.ofType('apply.finished')[0]).toMatchObject({ outcome: 'no-change', services: [{ key: 'web', outcome: 'unchanged' }] });
    });

    it('refuses a plan with a blocked service before any call', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const plan = await h.plan();
      const sp = plan.services[0] as ServicePlan;
      const blocked = { ...plan, services: [{ ...sp, action: 'blocked' as const, blockedReasons: ['launchType cannot change'] }] };
      await expect(h.apply(blocked)).rejects.toMatchObject({ code: 'PLAN_BLOCKED' });
      expect(h.rec.calls).toEqual([]);
    });

    it('refuses a strategy that is not available yet instead of pretending to deploy it', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const plan = await h.plan();
      const sp = plan.services[0] as ServicePlan;
      // A strategy type this version has no strategy for (a manifest from a newer ecsdeploy, say).
      const strategy = { type: 'some-future-strategy' } as unknown as ServicePlan['strategy'];
      await expect(h.apply({ ...plan, services: [{ ...sp, strategy }] })).rejects.toMatchObject({ code: 'STRATEGY_UNAVAILABLE' });
      expect(h.rec.calls).toEqual([]);
    });
  });

  describe('concurrency guard', () => {
    it('refuses a service with a deployment in progress, unless forced', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ web: service('web') }),
        scenario: { images: [{ match: '*web:other', startSeconds: 3600 }] },
      });
      // Someone else's deployment, still starting its tasks.
      const other = await h.register('web', 'repo/web:other');
      const updated = await h.admin.ecs.updateService({ cluster: CLUSTER, service: 'web', taskDefinition: other });
      const theirs = updated.service?.deployments?.[0]?.id as string;
      const plan = await h.plan();
      const err = await h.apply(plan).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EcsDeployError);
      expect(err).toMatchObject({ code: 'SERVICE_BUSY' });
      expect((err as Error).message).toContain(`web: rollout in progress: ${theirs} (IN_PROGRESS to web:2)`);
      expect(h.rec.mutatingCalls()).toEqual([]);
      const forced = await h.apply(plan, { force: true });
      expect(forced.outcome).toBe('succeeded');
      expect(h.rec.count('UpdateService')).toBe(1);
    });

    it('refuses a service locked by another ecsdeploy run, and proceeds over it with --force', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const arn = (await h.describe('web')).serviceArn as string;
      const expires = Math.ceil(h.clock.now() / 1000) + 3600;
      await h.admin.ecs.tagResource({ resourceArn: arn, tags: [{ key: LOCK_TAG, value: `run-other:${expires}` }] });
      const plan = await h.plan();
      await expect(h.apply(plan)).rejects.toMatchObject({ code: 'SERVICE_BUSY', message: expect.stringContaining('run-other') });
      expect(h.rec.count('UpdateService')).toBe(0);
      const r = await h.apply(plan, { force: true });
      expect(r.outcome).toBe('succeeded');
    });

    it('ignores an expired lock', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const arn = (await h.describe('web')).serviceArn as string;
      await h.admin.ecs.tagResource({
        resourceArn: arn,
        tags: [{ key: LOCK_TAG, value: `run-dead:${Math.floor(h.clock.now() / 1000) - 10}` }],
      });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
    });

    it('takes the lock before deploying and removes it afterwards', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      const ops = h.rec.mutatingCalls().map((c) => c.op);
      const lockWrite = h.rec.calls.findIndex((c) => c.op === 'TagResource' && JSON.stringify(c.input).includes(LOCK_TAG));
      expect(lockWrite).toBeGreaterThanOrEqual(0);
      expect(lockWrite).toBeLessThan(h.rec.calls.findIndex((c) => c.op === 'UpdateService'));
      expect(ops.at(-1)).toBe('UntagResource');
      expect((await h.describe('web')).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
    });

    it('pushes the lock expiry out around every step, so a long run keeps it and a killed one frees it soon', async () => {
      // Each rollout takes a while: new tasks take 10 minutes to start.
      const h = await engineOnSandbox({
        manifest: manifestDoc({ a: service('a', { timeout: '30m' }), b: service('b', { timeout: '30m', dependsOn: ['a'] }) }),
        scenario: { images: [{ match: '*:v2', startSeconds: 600 }] },
      });
      const bArn = (await h.describe('b')).serviceArn;
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      const expiries = h.rec
        .callsOf('TagResource')
        .filter((c) => c.resourceArn === bArn)
        .map((c) =>
          Number(
            String((c.tags as { value: string }[])[0]?.value)
              .split(':')
              .at(-1),
          ),
        );
      expect(expiries.length).toBeGreaterThan(2);
      expect(expiries.at(-1)).toBeGreaterThan(expiries[0] as number);
      // One step: a 30 min rollout, a 30 min rollback and 15 min of margin.
      expect((expiries[0] as number) * 1000 - h.clock.now()).toBeLessThanOrEqual(75 * 60_000);
      expect((await h.describe('b')).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
    });

    it('does not take a lock write that is not visible yet for a lost race (tag reads lag)', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      // The first read after our write still shows the service untagged.
      let lagging = 0;
      h.rec.afterCall = (call) => {
        if (call.op === 'TagResource') lagging = 1;
      };
      const list = h.rec.ports.ecs.listTagsForResource;
      h.rec.ports.ecs.listTagsForResource = async (input, o) => {
        const out = await list(input, o);
        if (lagging > 0) {
          lagging -= 1;
          return { ...out, tags: [] };
        }
        return out;
      };
      const r = await h.apply(await h.plan(), { concurrency: 1 });
      expect(r.outcome).toBe('succeeded');
      expect(h.rec.count('UpdateService')).toBe(1);
    });

    it('backs off when another run overwrote the lock between its write and its re-read', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      let raced = false;
      h.rec.afterCall = async (call) => {
        if (raced || call.op !== 'TagResource') return;
        raced = true;
        const value = `run-racer:${Math.ceil(h.clock.now() / 1000) + 600}`;
        await h.admin.ecs.tagResource({ resourceArn: call.input.resourceArn as string, tags: [{ key: LOCK_TAG, value }] });
      };
      await expect(h.apply(await h.plan())).rejects.toMatchObject({ code: 'SERVICE_BUSY', message: expect.stringContaining('run-racer') });
      expect(h.rec.count('UpdateService')).toBe(0);
      // The racer's lock is left alone.
      expect((await h.describe('web')).tags?.find((t) => t.key === LOCK_TAG)?.value).toMatch(/^run-racer:/);
    });
  });

  describe('notifications', () => {
    it('publishes on start and on success with services, revisions, outcome and duration', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }, { notify: { sns: SNS } }) });
      await h.apply(await h.plan());
      const published = h.rec.callsOf('Publish');
      expect(published.map((c) => c.TopicArn)).toEqual([SNS, SNS]);
      expect(published.map((c) => c.Subject)).toEqual(['ecsdeploy: deploy started: web', 'ecsdeploy: deploy succeeded: web']);
      const body = JSON.parse(String(published[1]?.Message)) as Record<string, unknown>;
      expect(body).toMatchObject({ event: 'succeeded', services: [{ key: 'web', from: 'web:1', to: 'web:2', outcome: 'succeeded' }] });
      expect(typeof body.durationMs).toBe('number');
    });

    it('publishes each mutating call when notify.eachCall is set', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }, { notify: { sns: SNS, eachCall: true } }) });
      await h.apply(await h.plan());
      const subjects = h.rec.callsOf('Publish').map((c) => String(c.Subject));
      expect(subjects).toEqual(expect.arrayContaining(['ecsdeploy: ECS RegisterTaskDefinition', 'ecsdeploy: ECS UpdateService']));
    });

    it('treats a failed notification as a warning, never as a failed deploy', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ web: service('web') }, { notify: { sns: SNS } }),
        scenario: { faults: [{ service: 'sns', serverErrorRate: 1 }] },
      });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('succeeded');
      expect(h.sink.ofType('log').filter((l) => l.level === 'warn' && l.message.includes('could not notify'))).toHaveLength(2);
    });

    it('publishes a failure notification with the reason when a service fails', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ web: service('web') }, { notify: { sns: SNS } }),
        scenario: { images: [{ match: '*web:v2', crashOnStart: true }] },
      });
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('failed');
      const last = h.rec.callsOf('Publish').at(-1);
      expect(last?.Subject).toBe('ecsdeploy: deploy failed: web');
      expect(JSON.parse(String(last?.Message))).toMatchObject({ event: 'failed', services: [{ key: 'web', outcome: 'rolled-back' }] });
    });
  });

  describe('interruption', () => {
    it('starts nothing new after Ctrl-C, rolls back what is in flight and reports every service', async () => {
      const h = await engineOnSandbox({
        manifest: manifestDoc({ a: service('a'), b: service('b', { dependsOn: ['a'] }) }),
        // a's new tasks take an hour to start: the rollout is still in flight at Ctrl-C.
        scenario: { images: [{ match: '*a:v2', startSeconds: 3600 }] },
      });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        if (e.type === 'service.progress') h.soft.abort(new Error('SIGINT'));
      };
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('interrupted');
      expect(Object.fromEntries(r.services.map((s) => [s.key, s.outcome]))).toEqual({ a: 'interrupted', b: 'skipped' });
      expect(r.services[0]?.taskDefinitionArn).toMatch(/a:1$/);
      expect(h.rec.callsOf('UpdateService').map((u) => [u.service, short(u.taskDefinition)])).toEqual([
        ['a', 'a:2'],
        ['a', 'a:1'],
      ]);
      const fin = h.sink.ofType('apply.finished')[0];
      expect(fin?.outcome).toBe('interrupted');
      expect(fin?.services).toHaveLength(2);
      // The locks are released even when interrupted.
      expect(h.rec.count('UntagResource')).toBe(2);
      expect((await h.describe('a')).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
      expect(short((await h.describe('a')).taskDefinition)).toBe('a:1');
    });

    it('registers nothing for a service whose turn came just after Ctrl-C', async () => {
      const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        // Locked and announced: the services' turns come next.
        if (e.type === 'apply.started') h.soft.abort(new Error('SIGINT'));
      };
      const old = (await h.describe('web')).taskDefinition;
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('interrupted');
      expect(h.rec.count('RegisterTaskDefinition')).toBe(0);
      expect(h.rec.count('UpdateService')).toBe(0);
      expect(r.services[0]).toMatchObject({ outcome: 'skipped', taskDefinitionArn: old });
      expect(r.services[0]?.reason).toMatch(/interrupted/);
    });

    it('stops waiting at the second Ctrl-C and still reports where the service stands', async () => {
      // Every new task takes a day to start: the deployment and the rollback deployment both hang.
      const h = await engineOnSandbox({
        manifest: manifestDoc({ web: service('web') }),
        scenario: { images: [{ match: '*', startSeconds: 86_400 }] },
      });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        if (e.type === 'service.progress') h.soft.abort(new Error('SIGINT'));
        if (e.type === 'service.phase' && e.phase === 'rolling-back') setImmediate(() => h.hard.abort(new Error('SIGINT twice')));
      };
      const r = await h.apply(await h.plan());
      expect(r.outcome).toBe('interrupted');
      expect(r.services[0]).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: expect.stringMatching(/web:1$/) });
      expect(r.services[0]?.reason).toMatch(/rolled back to web:1 \(rollback deployment .* in progress, not waited for\)/);
      expect(h.sink.ofType('apply.finished')[0]?.outcome).toBe('interrupted');
    });
  });

  describe('creating', () => {
    it('creates a service the manifest defines fully and follows its first deployment', async () => {
      const h = await engineOnSandbox({
        seed: manifestDoc({ other: service('other') }),
        manifest: manifestDoc({ jobs: service('jobs', { desiredCount: 1, createIfMissing: true }) }),
      });
      const plan = await h.plan();
      expect(plan.services[0]?.action).toBe('create');
      const r = await h.apply(plan);
      expect(r.outcome).toBe('succeeded');
      expect(h.rec.callsOf('CreateService')[0]).toMatchObject({
        cluster: CLUSTER,
        serviceName: 'jobs',
        desiredCount: 1,
        launchType: 'FARGATE',
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      });
      // Nothing to lock before it exists: the only tag written is the ecsdeploy:deployed mark on the revision.
      expect(h.rec.callsOf('TagResource').map((c) => (c.tags as { key: string }[])[0]?.key)).toEqual(['ecsdeploy:deployed']);
      const jobs = await h.describe('jobs');
      expect(jobs).toMatchObject({ status: 'ACTIVE', desiredCount: 1, runningCount: 1 });
      expect(jobs.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply.js';
import { LOCK_TAG } from '../../src/engine/lock.js';
import { EcsDeployError } from '../../src/errors/index.js';
import { harness, plan, servicePlan } from './builders.js';
import { svcArn } from './fake-aws.js';

describe('applyPlan', () => {
  describe('one-off tasks', () => {
    it('registers the new revision once, runs the migration with it, then deploys the service with the same revision', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old, behaviours: ['healthy'] });
      const p = plan([servicePlan({ key: 'api', liveArn: old })], {
        before: [{ name: 'migrate', taskDefinitionOf: 'api', command: ['./manage.py', 'migrate'], timeoutMs: 600_000 }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('succeeded');
      expect(h.aws.count('RegisterTaskDefinition')).toBe(1);
      const run = h.aws.callsOf('RunTask')[0];
      const registered = h.sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
      expect(run).toMatchObject({
        cluster: 'prod',
        taskDefinition: registered,
        startedBy: 'ecsdeploy',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        // The first essential container (the sidecar is not essential).
        overrides: { containerOverrides: [{ name: 'api', command: ['./manage.py', 'migrate'] }] },
      });
      expect(h.aws.callsOf('UpdateService')[0]?.taskDefinition).toBe(registered);
      const order = h.aws.mutatingCalls().map((c) => c.op);
      expect(order.indexOf('RunTask')).toBeLessThan(order.indexOf('UpdateService'));
    });

    it('stops the run before any service is touched when the migration exits non-zero', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old });
      h.aws.addService({ name: 'web', taskDefinition: h.aws.addTaskDefinition('web') });
      h.aws.oneOffExit = 3;
      const p = plan(
        [servicePlan({ key: 'api', liveArn: old }), servicePlan({ key: 'web', liveArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:1' })],
        {
          before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 600_000 }],
        },
      );
      const r = await h.apply(p);
      expect(r.outcome).toBe('failed');
      expect(h.aws.count('UpdateService')).toBe(0);
      const fin = h.sink.ofType('oneoff.finished')[0];
      expect(fin).toMatchObject({ name: 'migrate', outcome: 'failed' });
      expect(fin?.reason).toContain('exit codes api=3');
      expect(fin?.task?.containers[0]?.exitCode).toBe(3);
      expect(r.services.map((s) => [s.key, s.outcome])).toEqual([
        ['api', 'skipped'],
        ['web', 'skipped'],
      ]);
      expect(r.services[0]?.reason).toMatch(/one-off task migrate failed/);
    });

    it('fails on a one-off task that never started, with its stop code', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old });
      h.aws.oneOffExit = 'never-started';
      const p = plan([servicePlan({ key: 'api', liveArn: old })], {
        before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 600_000 }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('failed');
      expect(h.sink.ofType('oneoff.finished')[0]?.reason).toMatch(/^TaskFailedToStart: CannotPullContainerError/);
      expect(h.aws.count('UpdateService')).toBe(0);
    });
    it('starts no one-off task after a Ctrl-C that came while its revision was being registered', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        if (e.type === 'taskdef.registered') h.soft.abort(new Error('SIGINT'));
      };
      const p = plan([servicePlan({ key: 'api', liveArn: old })], {
        before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 600_000 }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('interrupted');
      expect(h.aws.count('RunTask')).toBe(0);
      expect(h.aws.count('UpdateService')).toBe(0);
      expect(r.oneOffs).toEqual([expect.objectContaining({ name: 'migrate', outcome: 'interrupted' })]);
      expect(r.oneOffs[0]?.reason).toMatch(/not started/);
      expect(r.services.map((s) => s.outcome)).toEqual(['skipped']);
    });
  });

  describe('order and concurrency', () => {
    it('deploys a dependency before its dependents and never more than `concurrency` services at once', async () => {
      const h = harness();
      for (const k of ['a', 'b', 'c', 'd']) h.aws.addService({ name: k, taskDefinition: h.aws.addTaskDefinition(k) });
      const p = plan([
        servicePlan({ key: 'c', liveArn: 'x:1', dependsOn: ['a'] }),
        servicePlan({ key: 'a', liveArn: 'x:1' }),
        servicePlan({ key: 'b', liveArn: 'x:1' }),
        servicePlan({ key: 'd', liveArn: 'x:1', dependsOn: ['c'] }),
      ]);
      const r = await h.apply(p, { concurrency: 2 });
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
      const h = harness();
      h.aws.addService({ name: 'a', taskDefinition: h.aws.addTaskDefinition('a'), behaviours: ['circuit-breaker'] });
      h.aws.addService({ name: 'b', taskDefinition: h.aws.addTaskDefinition('b') });
      h.aws.addService({ name: 'c', taskDefinition: h.aws.addTaskDefinition('c') });
      const p = plan([
        servicePlan({ key: 'a', liveArn: h.aws.service('a').taskDefinition }),
        servicePlan({ key: 'b', liveArn: 'x:1', dependsOn: ['a'] }),
        servicePlan({ key: 'c', liveArn: 'x:1' }),
      ]);
      const r = await h.apply(p, { concurrency: 1 });
      expect(r.outcome).toBe('failed');
      expect(Object.fromEntries(r.services.map((s) => [s.key, s.outcome]))).toEqual({ a: 'rolled-back', b: 'skipped', c: 'skipped' });
      expect(h.aws.callsOf('UpdateService').map((u) => u.service)).toEqual(['a']);
      const finished = h.sink.ofType('apply.finished')[0];
      expect(finished?.outcome).toBe('failed');
      expect(finished?.services.find((s) => s.key === 'b')?.reason).toMatch(/a did not succeed|earlier service failed/);
    });

    it('polls services of one cluster together: one DescribeServices serves several watched services', async () => {
      const h = harness();
      h.aws.polls = 4;
      for (const k of ['a', 'b', 'c']) h.aws.addService({ name: k, taskDefinition: h.aws.addTaskDefinition(k) });
      const p = plan(['a', 'b', 'c'].map((k) => servicePlan({ key: k, liveArn: 'x:1' })));
      await h.apply(p);
      const batched = h.aws.callsOf('DescribeServices').filter((c) => (c.services as string[]).length > 1 && !c.include);
      expect(batched.length).toBeGreaterThan(0);
    });
  });

  describe('scheduled targets and cleanup', () => {
    it('moves scheduled targets to the new revision, keeping every other target parameter', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old });
      const target = {
        Id: 'nightly',
        Arn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
        RoleArn: 'arn:aws:iam::111122223333:role/events',
        Input: '{"containerOverrides":[{"name":"api","command":["report"]}]}',
        RetryPolicy: { MaximumRetryAttempts: 2 },
        EcsParameters: {
          TaskDefinitionArn: old,
          TaskCount: 1,
          LaunchType: 'FARGATE',
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-9'], AssignPublicIp: 'DISABLED' } },
          PlatformVersion: '1.4.0',
          Tags: [{ Key: 'team', Value: 'reports' }],
        },
      };
      h.aws.addRule('nightly-report', [target, { Id: 'lambda', Arn: 'arn:aws:lambda:us-east-1:1:function:x' }]);
      const p = plan([servicePlan({ key: 'api', liveArn: old })], {
        scheduledTargets: [{ rule: 'nightly-report', taskDefinitionOf: 'api' }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('succeeded');
      const put = h.aws.callsOf('PutTargets')[0] as { Rule: string; Targets: unknown[] };
      const registered = h.sink.ofType('taskdef.registered')[0]?.taskDefinitionArn;
      expect(put.Rule).toBe('nightly-report');
      expect(put.Targets).toEqual([{ ...target, EcsParameters: { ...target.EcsParameters, TaskDefinitionArn: registered } }]);
      expect(h.sink.ofType('scheduled-target.updated')[0]).toMatchObject({
        rule: 'nightly-report',
        targetId: 'nightly',
        from: old,
        to: registered,
      });
    });

    it('keeps the newest N revisions and never deregisters one still in use', async () => {
      const h = harness();
      const arns = Array.from({ length: 6 }, () => h.aws.addTaskDefinition('web'));
      // A scheduled target still runs revision 1; the service runs revision 6 and gets revision 7.
      h.aws.addService({ name: 'web', taskDefinition: arns[5] as string });
      h.aws.addRule('cron', [{ Id: 't', Arn: 'cluster', EcsParameters: { TaskDefinitionArn: arns[0] } }]);
      h.aws.addTaskDefinition('web-worker'); // familyPrefix `web` also lists this family: never touched
      const p = plan([servicePlan({ key: 'web', liveArn: arns[5] })], {
        keepRevisions: 3,
        scheduledTargets: [{ rule: 'cron', taskDefinitionOf: 'other', targetId: 't' }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('succeeded');
      const deregistered = h.aws.callsOf('DeregisterTaskDefinition').map((c) => String(c.taskDefinition).split('/')[1]);
      // Newest 3 of 7 kept (7, 6, 5); 1 is used by the scheduled target.
      expect(deregistered.sort()).toEqual(['web:2', 'web:3', 'web:4']);
      expect(h.sink.ofType('revision.deregistered')).toHaveLength(3);
    });

    it('keeps a revision a scheduled target names as family:revision rather than by its full ARN', async () => {
      const h = harness();
      const arns = Array.from({ length: 4 }, () => h.aws.addTaskDefinition('web'));
      h.aws.addService({ name: 'web', taskDefinition: arns[3] as string });
      // EventBridge stores the reference as written, and RunTask accepts `family:revision`.
      h.aws.addRule('cron', [{ Id: 't', Arn: 'cluster', EcsParameters: { TaskDefinitionArn: 'web:1' } }]);
      const p = plan([servicePlan({ key: 'web', liveArn: arns[3] })], {
        keepRevisions: 2,
        scheduledTargets: [{ rule: 'cron', taskDefinitionOf: 'other', targetId: 't' }],
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('succeeded');
      const deregistered = h.aws.callsOf('DeregisterTaskDefinition').map((c) => String(c.taskDefinition).split('/')[1]);
      // Newest 2 of 5 kept (5, 4); 1 is used by the scheduled target.
      expect(deregistered.sort()).toEqual(['web:2', 'web:3']);
    });

    it('reads every page of revisions before choosing which to keep', async () => {
      const h = harness();
      h.aws.taskDefinitionPageSize = 2;
      const arns = Array.from({ length: 7 }, () => h.aws.addTaskDefinition('web'));
      h.aws.addService({ name: 'web', taskDefinition: arns[6] as string });
      const r = await h.apply(plan([servicePlan({ key: 'web', liveArn: arns[6] })], { keepRevisions: 3 }));
      expect(r.outcome).toBe('succeeded');
      expect(h.aws.count('ListTaskDefinitions')).toBe(4);
      const deregistered = h.aws.callsOf('DeregisterTaskDefinition').map((c) => String(c.taskDefinition).split('/')[1]);
      // web:8 registered by the run; 8, 7 and 6 kept across the pages.
      expect(deregistered.sort()).toEqual(['web:1', 'web:2', 'web:3', 'web:4', 'web:5']);
    });

    it('does not clean up when keepRevisions is 0', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      await h.apply(plan([servicePlan({ key: 'web', liveArn: old })], { keepRevisions: 0 }));
      expect(h.aws.count('ListTaskDefinitions')).toBe(0);
      expect(h.aws.count('DeregisterTaskDefinition')).toBe(0);
    });
  });

  describe('dry run and no changes', () => {
    it('makes no mutating call under --dry-run and reports every call it would make', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('api');
      h.aws.addService({ name: 'api', taskDefinition: old });
      h.aws.addRule('cron', [{ Id: 't', Arn: 'cluster', EcsParameters: { TaskDefinitionArn: old } }]);
      const p = plan([servicePlan({ key: 'api', liveArn: old })], {
        before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 60_000 }],
        scheduledTargets: [{ rule: 'cron', taskDefinitionOf: 'api' }],
        notify: { sns: 'arn:aws:sns:us-east-1:1:deploys', eachCall: true },
      });
      const r = await h.apply(p, { dryRun: true });
      expect(h.aws.mutatingCalls()).toEqual([]);
      const would = h.sink.ofType('aws.call');
      expect(would.every((c) => c.dryRun && c.mutating)).toBe(true);
      expect(would.map((c) => c.operation)).toEqual(
        expect.arrayContaining(['TagResource', 'RegisterTaskDefinition', 'RunTask', 'UpdateService', 'PutTargets', 'Publish']),
      );
      expect(would.find((c) => c.operation === 'UpdateService')?.summary).toMatch(/api in prod: taskDefinition → api:\(new revision\)/);
      expect(r.dryRun).toBe(true);
      expect(r.outcome).toBe('succeeded');
    });

    it('touches nothing and says so when the plan has no changes', async () => {
      const h = harness();
      const p = plan([servicePlan({ key: 'web', liveArn: 'x:1', action: 'no-change', taskDefinitionChanged: false })], {
        hasChanges: false,
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('no-change');
      expect(h.aws.calls).toEqual([]);
      expect(h.sink.ofType('apply.finished')[0]).toMatchObject({ outcome: 'no-change', services: [{ key: 'web', outcome: 'unchanged' }] });
    });

    it('refuses a plan with a blocked service before any call', async () => {
      const h = harness();
      const sp = {
        ...servicePlan({ key: 'web', liveArn: 'x:1' }),
        action: 'blocked' as const,
        blockedReasons: ['launchType cannot change'],
      };
      await expect(h.apply(plan([sp]))).rejects.toMatchObject({ code: 'PLAN_BLOCKED' });
      expect(h.aws.calls).toEqual([]);
    });

    it('refuses a strategy that is not available yet instead of pretending to deploy it', async () => {
      const h = harness();
      const sp = {
        ...servicePlan({ key: 'web', liveArn: 'x:1' }),
        strategy: { type: 'blue-green' as const, application: 'a', deploymentGroup: 'g', container: { name: 'web', port: 80 } },
      };
      await expect(h.apply(plan([sp]))).rejects.toMatchObject({ code: 'STRATEGY_UNAVAILABLE' });
      expect(h.aws.calls).toEqual([]);
    });
  });

  describe('concurrency guard', () => {
    it('refuses a service with a deployment in progress, unless forced', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      const svc = h.aws.addService({ name: 'web', taskDefinition: old });
      svc.deployments?.unshift({ id: 'ecs-svc/other', status: 'PRIMARY', taskDefinition: 'x:9', rolloutState: 'IN_PROGRESS' });
      if (svc.deployments?.[1]) svc.deployments[1].status = 'ACTIVE';
      const p = plan([servicePlan({ key: 'web', liveArn: old })]);
      const err = await h.apply(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EcsDeployError);
      expect(err).toMatchObject({ code: 'SERVICE_BUSY' });
      expect((err as Error).message).toContain('deployment in progress (ecs-svc/other');
      expect(h.aws.mutatingCalls()).toEqual([]);
    });

    it('refuses a service locked by another ecsdeploy run, and proceeds over it with --force', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      const expires = Math.ceil(h.clock.now() / 1000) + 3600;
      h.aws.tags.set(svcArn('prod', 'web'), [{ key: LOCK_TAG, value: `run-other:${expires}` }]);
      const p = plan([servicePlan({ key: 'web', liveArn: old })]);
      await expect(h.apply(p)).rejects.toMatchObject({ code: 'SERVICE_BUSY', message: expect.stringContaining('run-other') });
      expect(h.aws.count('UpdateService')).toBe(0);
      const r = await h.apply(p, { force: true });
      expect(r.outcome).toBe('succeeded');
    });

    it('ignores an expired lock', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      h.aws.tags.set(svcArn('prod', 'web'), [{ key: LOCK_TAG, value: `run-dead:${Math.floor(h.clock.now() / 1000) - 10}` }]);
      const r = await h.apply(plan([servicePlan({ key: 'web', liveArn: old })]));
      expect(r.outcome).toBe('succeeded');
    });

    it('takes the lock before deploying and removes it afterwards', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      const r = await h.apply(plan([servicePlan({ key: 'web', liveArn: old })]));
      expect(r.outcome).toBe('succeeded');
      const ops = h.aws.mutatingCalls().map((c) => c.op);
      expect(ops.indexOf('TagResource')).toBeLessThan(ops.indexOf('UpdateService'));
      expect(ops.at(-1)).toBe('UntagResource');
      expect(h.aws.tags.get(svcArn('prod', 'web'))).toEqual([]);
    });

    it('pushes the lock expiry out around every step, so a long run keeps it and a killed one frees it soon', async () => {
      const h = harness();
      h.aws.polls = 30; // each rollout takes a while
      for (const k of ['a', 'b']) h.aws.addService({ name: k, taskDefinition: h.aws.addTaskDefinition(k) });
      const p = plan([
        servicePlan({ key: 'a', liveArn: 'x:1', timeoutMs: 30 * 60_000 }),
        servicePlan({ key: 'b', liveArn: 'x:1', timeoutMs: 30 * 60_000, dependsOn: ['a'] }),
      ]);
      const r = await h.apply(p);
      expect(r.outcome).toBe('succeeded');
      const expiries = h.aws
        .callsOf('TagResource')
        .filter((c) => c.resourceArn === svcArn('prod', 'b'))
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
      expect(h.aws.tags.get(svcArn('prod', 'b'))).toEqual([]);
    });

    it('does not take a lock write that is not visible yet for a lost race (tag reads lag)', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      // The first read after our write still shows the service untagged.
      let lagging = 0;
      h.aws.onTag = () => {
        lagging = 1;
      };
      const ports = h.aws.ports();
      const list = ports.ecs.listTagsForResource;
      ports.ecs.listTagsForResource = async (input, o) => {
        const out = await list(input, o);
        if (lagging > 0) {
          lagging -= 1;
          return { ...out, tags: [] };
        }
        return out;
      };
      const r = await applyPlan(
        plan([servicePlan({ key: 'web', liveArn: old })]),
        { ports, sink: h.sink, clock: h.clock, signal: h.soft.signal },
        { concurrency: 1, dryRun: false, force: false, onInterrupt: 'rollback', runId: 'run-1', lockSettleMs: 500 },
      );
      expect(r.outcome).toBe('succeeded');
      expect(h.aws.count('UpdateService')).toBe(1);
    });

    it('backs off when another run overwrote the lock between its write and its re-read', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      h.aws.onTag = (arn) => {
        h.aws.onTag = undefined;
        h.aws.tags.set(arn, [{ key: LOCK_TAG, value: `run-racer:${Math.ceil(h.clock.now() / 1000) + 600}` }]);
      };
      await expect(h.apply(plan([servicePlan({ key: 'web', liveArn: old })]))).rejects.toMatchObject({
        code: 'SERVICE_BUSY',
        message: expect.stringContaining('run-racer'),
      });
      expect(h.aws.count('UpdateService')).toBe(0);
      // The racer's lock is left alone.
      expect(h.aws.tags.get(svcArn('prod', 'web'))?.[0]?.value).toMatch(/^run-racer:/);
    });
  });

  describe('notifications', () => {
    it('publishes on start and on success with services, revisions, outcome and duration', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      const p = plan([servicePlan({ key: 'web', liveArn: old })], { notify: { sns: 'arn:aws:sns:us-east-1:1:deploys', eachCall: false } });
      await h.apply(p);
      const published = h.aws.callsOf('Publish');
      expect(published.map((c) => c.Subject)).toEqual(['ecsdeploy: deploy started: web', 'ecsdeploy: deploy succeeded: web']);
      const body = JSON.parse(String(published[1]?.Message)) as Record<string, unknown>;
      expect(body).toMatchObject({ event: 'succeeded', services: [{ key: 'web', from: 'web:1', to: 'web:2', outcome: 'succeeded' }] });
      expect(typeof body.durationMs).toBe('number');
    });

    it('publishes each mutating call when notify.eachCall is set', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      const p = plan([servicePlan({ key: 'web', liveArn: old })], { notify: { sns: 'arn:aws:sns:us-east-1:1:deploys', eachCall: true } });
      await h.apply(p);
      const subjects = h.aws.callsOf('Publish').map((c) => String(c.Subject));
      expect(subjects).toEqual(expect.arrayContaining(['ecsdeploy: ECS RegisterTaskDefinition', 'ecsdeploy: ECS UpdateService']));
    });

    it('treats a failed notification as a warning, never as a failed deploy', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      h.aws.snsFails = true;
      const r = await h.apply(
        plan([servicePlan({ key: 'web', liveArn: old })], { notify: { sns: 'arn:aws:sns:us-east-1:1:x', eachCall: false } }),
      );
      expect(r.outcome).toBe('succeeded');
      expect(h.sink.ofType('log').filter((l) => l.level === 'warn' && l.message.includes('could not notify'))).toHaveLength(2);
    });
  });

  describe('interruption', () => {
    it('starts nothing new after Ctrl-C, rolls back what is in flight and reports every service', async () => {
      const h = harness();
      h.aws.addService({ name: 'a', taskDefinition: h.aws.addTaskDefinition('a'), behaviours: ['stuck', 'healthy'] });
      h.aws.addService({ name: 'b', taskDefinition: h.aws.addTaskDefinition('b') });
      const sinkEmit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        sinkEmit(e);
        if (e.type === 'service.progress') h.soft.abort(new Error('SIGINT'));
      };
      const p = plan([
        servicePlan({ key: 'a', liveArn: h.aws.service('a').taskDefinition }),
        servicePlan({ key: 'b', liveArn: 'x:1', dependsOn: ['a'] }),
      ]);
      const r = await h.apply(p);
      expect(r.outcome).toBe('interrupted');
      expect(Object.fromEntries(r.services.map((s) => [s.key, s.outcome]))).toEqual({ a: 'interrupted', b: 'skipped' });
      expect(r.services[0]?.taskDefinitionArn).toMatch(/a:1$/);
      expect(h.aws.callsOf('UpdateService').map((u) => [u.service, String(u.taskDefinition).split('/')[1]])).toEqual([
        ['a', 'a:2'],
        ['a', 'a:1'],
      ]);
      const fin = h.sink.ofType('apply.finished')[0];
      expect(fin?.outcome).toBe('interrupted');
      expect(fin?.services).toHaveLength(2);
      // The locks are released even when interrupted.
      expect(h.aws.count('UntagResource')).toBe(2);
      expect(h.aws.tags.get(svcArn('prod', 'a'))).toEqual([]);
    });
  });

  describe('interruption before a service starts', () => {
    it('registers nothing for a service whose turn came just after Ctrl-C', async () => {
      const h = harness();
      const old = h.aws.addTaskDefinition('web');
      h.aws.addService({ name: 'web', taskDefinition: old });
      let lockWrites = 0;
      h.aws.onTag = (_arn, tags) => {
        // The first write takes the lock; the second is the refresh just before the service's turn.
        if (tags.some((t) => t.key === LOCK_TAG) && ++lockWrites === 2) h.soft.abort(new Error('SIGINT'));
      };
      const r = await h.apply(plan([servicePlan({ key: 'web', liveArn: old })]));
      expect(r.outcome).toBe('interrupted');
      expect(h.aws.count('RegisterTaskDefinition')).toBe(0);
      expect(h.aws.count('UpdateService')).toBe(0);
      expect(r.services[0]).toMatchObject({ outcome: 'skipped', taskDefinitionArn: old });
      expect(r.services[0]?.reason).toMatch(/interrupted/);
    });
  });

  describe('more outcomes', () => {
    it('publishes a failure notification with the reason when a service fails', async () => {
      const h = harness();
      h.aws.addService({ name: 'web', taskDefinition: h.aws.addTaskDefinition('web'), behaviours: ['circuit-breaker'] });
      const p = plan([servicePlan({ key: 'web', liveArn: h.aws.service('web').taskDefinition })], {
        notify: { sns: 'arn:aws:sns:us-east-1:1:deploys', eachCall: false },
      });
      const r = await h.apply(p);
      expect(r.outcome).toBe('failed');
      const last = h.aws.callsOf('Publish').at(-1);
      expect(last?.Subject).toBe('ecsdeploy: deploy failed: web');
      expect(JSON.parse(String(last?.Message))).toMatchObject({ event: 'failed', services: [{ key: 'web', outcome: 'rolled-back' }] });
    });

    it('stops waiting at the second Ctrl-C and still reports where the service stands', async () => {
      const h = harness();
      // The deployment and the rollback deployment both hang.
      h.aws.addService({ name: 'web', taskDefinition: h.aws.addTaskDefinition('web'), behaviours: ['stuck', 'stuck'] });
      const emit = h.sink.emit.bind(h.sink);
      h.sink.emit = (e) => {
        emit(e);
        if (e.type === 'service.progress') h.soft.abort(new Error('SIGINT'));
        if (e.type === 'service.phase' && e.phase === 'rolling-back') setImmediate(() => h.hard.abort(new Error('SIGINT twice')));
      };
      const r = await h.apply(plan([servicePlan({ key: 'web', liveArn: h.aws.service('web').taskDefinition })]));
      expect(r.outcome).toBe('interrupted');
      expect(r.services[0]).toMatchObject({ outcome: 'interrupted', taskDefinitionArn: expect.stringMatching(/web:1$/) });
      expect(r.services[0]?.reason).toMatch(/rolled back to web:1 \(rollback deployment .* in progress, not waited for\)/);
      expect(h.sink.ofType('apply.finished')[0]?.outcome).toBe('interrupted');
    });

    it('creates a service the manifest defines fully and follows its first deployment', async () => {
      const h = harness();
      const sp = servicePlan({ key: 'jobs', liveArn: null, desiredCount: 1 });
      sp.desired.service = { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } };
      const r = await h.apply(plan([sp]));
      expect(r.outcome).toBe('succeeded');
      expect(h.aws.callsOf('CreateService')[0]).toMatchObject({
        cluster: 'prod',
        serviceName: 'jobs',
        desiredCount: 1,
        launchType: 'FARGATE',
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      });
      // Nothing to lock before it exists.
      expect(h.aws.count('TagResource')).toBe(1); // only the ecsdeploy:deployed mark on the revision
    });
  });
});

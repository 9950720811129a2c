import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/errors/index.js';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import {
  describedService,
  describedTaskDefinition,
  IMAGE_V1,
  IMAGE_V2,
  liveService,
  liveState,
  manifest,
  minimalTaskDefinition,
  OPTIONS,
  service,
  TD_ARN,
} from './fixtures.js';

function withImage(image: string) {
  const td = minimalTaskDefinition();
  td.containerDefinitions[0]!.image = image;
  return { kind: 'declared' as const, input: td };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('buildPlan', () => {
  it('reports no changes when a minimal manifest matches what AWS returns, defaults and all', () => {
    const plan = buildPlan(manifest([service()]), liveState([liveService()]), OPTIONS);
    const [web] = plan.services;
    expect(web?.action).toBe('no-change');
    expect(web?.changes).toEqual([]);
    expect(web?.diff).toBe('');
    expect(plan.hasChanges).toBe(false);
    expect(plan.summary).toEqual({ create: 0, update: 0, noChange: 1, blocked: 0, inFlight: 0 });
  });

  it('fills the plan header from the manifest, options and live calls', () => {
    const live = liveState([liveService()], { calls: { 'ECS.DescribeServices': 1 } });
    const plan = buildPlan(manifest([service()]), live, OPTIONS);
    expect(plan).toMatchObject({
      format: 'ecsdeploy.plan',
      version: 1,
      tool: { name: 'ecsdeploy', version: '0.1.0-test' },
      createdAt: OPTIONS.now,
      manifest: { file: 'ecsdeploy.yaml', digest: 'a'.repeat(64), environment: 'production' },
      region: 'eu-west-1',
      calls: { 'ECS.DescribeServices': 1 },
    });
  });

  it('turns one changed image into exactly one change, and the diff shows that image and nothing else', () => {
    const plan = buildPlan(manifest([service({ taskDefinition: withImage(IMAGE_V2) })]), liveState([liveService()]), OPTIONS);
    const [web] = plan.services;
    expect(web?.action).toBe('update');
    expect(web?.taskDefinitionChanged).toBe(true);
    expect(web?.serviceChanged).toBe(false);
    expect(web?.changes).toEqual([
      { scope: 'taskDefinition', path: 'containerDefinitions[web].image', kind: 'change', before: IMAGE_V1, after: IMAGE_V2 },
    ]);
    const changed = (web?.diff ?? '').split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+)/.test(l));
    expect(changed).toEqual([`-        "image": "${IMAGE_V1}",`, `+        "image": "${IMAGE_V2}",`]);
    expect(web?.diff).toContain('--- live\n+++ desired\n');
    expect(web?.diff).toContain('@@ taskDefinition.containerDefinitions[web]');
    expect(plan.summary).toEqual({ create: 0, update: 1, noChange: 0, blocked: 0, inFlight: 0 });
    expect(plan.hasChanges).toBe(true);
  });

  it('keeps the exact RegisterTaskDefinition input to register in desired, unnormalized', () => {
    const plan = buildPlan(manifest([service({ taskDefinition: withImage(IMAGE_V2) })]), liveState([liveService()]), OPTIONS);
    expect(plan.services[0]?.desired.taskDefinition.cpu).toBe('0.5 vCPU');
    expect(plan.services[0]?.desired.taskDefinition.containerDefinitions[0]?.image).toBe(IMAGE_V2);
  });

  it('shows service setting changes and leaves the task definition alone when only settings differ', () => {
    const plan = buildPlan(
      manifest([
        service({
          desiredCount: 4,
          deployment: { minimumHealthyPercent: 50, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
        }),
      ]),
      liveState([liveService()]),
      OPTIONS,
    );
    const [web] = plan.services;
    expect(web?.taskDefinitionChanged).toBe(false);
    expect(web?.serviceChanged).toBe(true);
    expect(web?.changes.map((c) => [c.path, c.before, c.after])).toEqual([
      ['deploymentConfiguration.minimumHealthyPercent', 100, 50],
      ['desiredCount', 2, 4],
    ]);
  });

  it('never compares desiredCount under autoscaling or when the manifest leaves it out', () => {
    for (const desiredCount of ['autoscaling', undefined] as const) {
      const plan = buildPlan(
        manifest([service({ desiredCount })]),
        liveState([liveService({ described: describedService({ desiredCount: 9 }) })]),
        OPTIONS,
      );
      expect(plan.services[0]?.action).toBe('no-change');
      expect(plan.services[0]?.desired.desiredCount).toBeUndefined();
    }
  });

  it('compares only the settings the manifest manages', () => {
    const plan = buildPlan(
      manifest([service({ settings: {} })]),
      liveState([liveService({ described: describedService({ enableExecuteCommand: true, propagateTags: 'TASK_DEFINITION' }) })]),
      OPTIONS,
    );
    expect(plan.services[0]?.action).toBe('no-change');
  });

  it('ignores tag keys in ignoreTags on both sides', () => {
    const plan = buildPlan(manifest([service({ ignoreTags: ['terraform-owner', 'cost-center'] })]), liveState([liveService()]), OPTIONS);
    expect(plan.services[0]?.action).toBe('no-change');
    const strict = buildPlan(manifest([service({ ignoreTags: [] })]), liveState([liveService()]), OPTIONS);
    expect(strict.services[0]?.changes).toEqual([
      { scope: 'service', path: 'tags[terraform-owner]', kind: 'remove', before: { key: 'terraform-owner', value: 'infra' } },
    ]);
  });

  it('marks settings UpdateService cannot change as requiring replacement and blocks the service', () => {
    const plan = buildPlan(
      manifest([service({ settings: { ...service().settings, launchType: 'EC2' } })]),
      liveState([liveService()]),
      OPTIONS,
    );
    const [web] = plan.services;
    expect(web?.action).toBe('blocked');
    expect(web?.changes).toEqual([
      { scope: 'service', path: 'launchType', kind: 'change', before: 'FARGATE', after: 'EC2', requiresReplacement: true },
    ]);
    expect(web?.blockedReasons).toHaveLength(1);
    expect(web?.blockedReasons[0]).toMatch(/launchType cannot be changed by UpdateService \(live FARGATE, manifest EC2\)/);
    expect(plan.summary.blocked).toBe(1);
    expect(plan.hasChanges).toBe(true);
  });

  it('treats load balancer changes as replacement only when the deployment controller is not ECS', () => {
    const lbs = [{ targetGroupArn: 'arn:tg/other', containerName: 'web', containerPort: 8080 }];
    const ecs = buildPlan(manifest([service({ settings: { loadBalancers: lbs } })]), liveState([liveService()]), OPTIONS);
    expect(ecs.services[0]?.action).toBe('update');
    const cdLive = describedService({ deploymentController: { type: 'CODE_DEPLOY' } });
    const cd = buildPlan(
      manifest([service({ settings: { loadBalancers: [{ containerName: 'web', containerPort: 9000 }] } })]),
      liveState([liveService({ described: cdLive })]),
      OPTIONS,
    );
    expect(cd.services[0]?.action).toBe('blocked');
    // the target group CodeDeploy swapped in is not a difference
    const swapped = buildPlan(
      manifest([service({ settings: { loadBalancers: lbs } })]),
      liveState([liveService({ described: cdLive })]),
      OPTIONS,
    );
    expect(swapped.services[0]?.action).toBe('no-change');
  });

  it('blocks a service with preflight issues and lists them as reasons', () => {
    const live = liveState([liveService()], {
      preflight: [
        { service: 'web', message: 'deployment group shop-web not found' },
        { service: 'api', message: 'other' },
      ],
    });
    const plan = buildPlan(manifest([service()]), live, OPTIONS);
    expect(plan.services[0]?.action).toBe('blocked');
    expect(plan.services[0]?.blockedReasons).toEqual(['deployment group shop-web not found']);
  });

  it('blocks a service that is DRAINING, which UpdateService refuses, even when nothing else differs', () => {
    const plan = buildPlan(
      manifest([service()]),
      liveState([liveService({ described: describedService({ status: 'DRAINING' }) })]),
      OPTIONS,
    );
    expect(plan.services[0]?.action).toBe('blocked');
    expect(plan.services[0]?.blockedReasons).toEqual([
      'service "web" in cluster "shop" is DRAINING (being deleted) and cannot be updated; wait until it is gone, then apply again to create it',
    ]);
    expect(plan.hasChanges).toBe(true);
  });

  it('blocks a change to a rolling service whose live deployment controller is CODE_DEPLOY, which UpdateService cannot deploy', () => {
    const plan = buildPlan(
      manifest([service({ taskDefinition: withImage(IMAGE_V2) })]),
      liveState([liveService({ described: describedService({ deploymentController: { type: 'CODE_DEPLOY' } }) })]),
      OPTIONS,
    );
    expect(plan.services[0]?.action).toBe('blocked');
    expect(plan.services[0]?.blockedReasons).toEqual([
      'service "web" uses the CODE_DEPLOY deployment controller; the rolling strategy needs ECS (deploy it with strategy blue-green, or recreate it with the ECS controller)',
    ]);
  });

  it('plans a create for a missing service the manifest defines fully', () => {
    const plan = buildPlan(
      manifest([service({ createIfMissing: true })]),
      liveState([liveService({ described: undefined, taskDefinition: undefined })]),
      OPTIONS,
    );
    const [web] = plan.services;
    expect(web?.action).toBe('create');
    expect(web?.live).toBeNull();
    expect(web?.taskDefinitionChanged).toBe(true);
    expect(web?.changes.every((c) => c.kind === 'add')).toBe(true);
    expect(web?.diff).toContain('+    "family": "shop-web",');
    expect(plan.summary.create).toBe(1);
  });

  it('refuses with SERVICE_NOT_FOUND naming cluster and service when a missing service cannot be created', () => {
    const e = caught(() =>
      buildPlan(
        manifest([service(), service({ key: 'api', service: 'shop-api' })]),
        liveState([
          liveService({ described: undefined, taskDefinition: undefined }),
          liveService({ key: 'api', service: 'shop-api', described: undefined }),
        ]),
        OPTIONS,
      ),
    );
    expect(e).toBeInstanceOf(PlanError);
    const err = e as PlanError;
    expect(err.code).toBe('SERVICE_NOT_FOUND');
    expect(err.message).toContain('service "web" in cluster "shop"');
    expect(err.message).toContain('service "shop-api" in cluster "shop"');
    expect(err.hint).toMatch(/create the service first.*full service definition/);
  });

  describe('fromLive', () => {
    const fromLive = (extra: Partial<Parameters<typeof service>[0]> = {}) =>
      service({ taskDefinition: { kind: 'live' }, images: { web: IMAGE_V2 }, ...extra });

    it('copies the live definition minus read-only fields, applies overrides, and keeps unknown and newer fields', () => {
      const td: JsonObject = { ...describedTaskDefinition(), enableFaultInjection: true, futureField: { nested: ['x'] } };
      const plan = buildPlan(manifest([fromLive()]), liveState([liveService({ taskDefinition: td })]), OPTIONS);
      const [web] = plan.services;
      const desired = web?.desired.taskDefinition as unknown as JsonObject;
      expect(desired.enableFaultInjection).toBe(true);
      expect(desired.futureField).toEqual({ nested: ['x'] });
      for (const f of [
        'taskDefinitionArn',
        'revision',
        'status',
        'requiresAttributes',
        'compatibilities',
        'registeredAt',
        'registeredBy',
      ]) {
        expect(desired).not.toHaveProperty(f);
      }
      expect(web?.changes).toEqual([
        { scope: 'taskDefinition', path: 'containerDefinitions[web].image', kind: 'change', before: IMAGE_V1, after: IMAGE_V2 },
      ]);
    });

    it('does not carry ecsdeploy metadata, AWS-reserved or ignored tags into the new revision', () => {
      const td: JsonObject = { ...describedTaskDefinition() };
      td.tags = [...(td.tags as JsonObject[]), { key: 'aws:cloudformation:stack-name', value: 's' }];
      const plan = buildPlan(
        manifest([fromLive({ ignoreTags: ['cost-center'] })]),
        liveState([liveService({ taskDefinition: td })]),
        OPTIONS,
      );
      expect(plan.services[0]?.desired.taskDefinition.tags).toEqual([{ key: 'team', value: 'shop' }]);
    });

    it('reports a clear PlanError naming service and container for an override of an unknown container', () => {
      const e = caught(() => buildPlan(manifest([fromLive({ images: { wbe: IMAGE_V2 } })]), liveState([liveService()]), OPTIONS));
      expect(e).toBeInstanceOf(PlanError);
      expect((e as PlanError).code).toBe('UNKNOWN_CONTAINER');
      expect((e as PlanError).message).toContain('"wbe"');
      expect((e as PlanError).message).toContain('manifest service "web"');
      expect((e as PlanError).message).toContain('containers: envoy, web');
    });

    it('cannot copy from a service that does not exist', () => {
      const e = caught(() =>
        buildPlan(
          manifest([fromLive({ createIfMissing: true })]),
          liveState([liveService({ described: undefined, taskDefinition: undefined })]),
          OPTIONS,
        ),
      );
      expect((e as PlanError).code).toBe('SERVICE_NOT_FOUND');
    });
  });

  it('fingerprints the live service: ARN, status, task definition, primary deployment, counts, controller', () => {
    const plan = buildPlan(manifest([service()]), liveState([liveService()]), OPTIONS);
    expect(plan.services[0]?.live).toEqual({
      serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/shop/web',
      status: 'ACTIVE',
      taskDefinitionArn: TD_ARN,
      primaryDeploymentId: 'ecs-svc/1234567890123456789',
      updatedAt: '2026-11-20T09:16:40.000Z',
      desiredCount: 2,
      runningCount: 2,
      deploymentController: 'ECS',
    });
  });

  it('uses the PRIMARY task set as the deployment of a CODE_DEPLOY service', () => {
    const described = describedService({
      deploymentController: { type: 'CODE_DEPLOY' },
      deployments: [],
      taskSets: [
        { id: 'ecs-svc/old', status: 'ACTIVE', taskDefinition: TD_ARN, updatedAt: '2026-11-19T00:00:00.000Z' },
        { id: 'ecs-svc/prod', status: 'PRIMARY', taskDefinition: `${TD_ARN}0`, updatedAt: '2026-11-20T00:00:00.000Z' },
      ],
    });
    const plan = buildPlan(manifest([service({ settings: {} })]), liveState([liveService({ described })]), OPTIONS);
    expect(plan.services[0]?.live).toMatchObject({
      primaryDeploymentId: 'ecs-svc/prod',
      updatedAt: '2026-11-20T00:00:00.000Z',
      deploymentController: 'CODE_DEPLOY',
    });
  });

  it('carries strategy, ordering and failure policy through to the service plan', () => {
    const plan = buildPlan(
      manifest([service({ dependsOn: ['db'], timeoutMs: 5, onFailure: 'leave' })]),
      liveState([liveService()]),
      OPTIONS,
    );
    expect(plan.services[0]).toMatchObject({ strategy: { type: 'rolling' }, dependsOn: ['db'], timeoutMs: 5, onFailure: 'leave' });
  });
});

/**
 * Seeding each example manifest: the account holds what the manifest refers to, settled on a previous revision,
 * and a plan of the same manifest (read through the real SDK and src/live) shows only the image changes.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../src/aws/clients.js';
import { readLiveState } from '../../../src/live/read-live-state.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/model/index.js';
import { buildPlan } from '../../../src/plan/build.js';
import { createSandboxRuntime } from '../../../src/sandbox/runtime.js';
import type { World } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, TestClock } from './helpers.js';

const EXAMPLES = resolve(__dirname, '../../../examples');
const ENV = { IMAGE_TAG: '2.0.0' };

function load(example: string, environment?: string): ResolvedManifest {
  return loadManifest({ cwd: resolve(EXAMPLES, example), env: ENV, ...(environment ? { environment } : {}) });
}

function seeded(manifest: ResolvedManifest) {
  const clock = new TestClock();
  const runtime = createSandboxRuntime({ manifest, clock });
  return { runtime, world: runtime.world, clock };
}

async function plan(manifest: ResolvedManifest, rt: ReturnType<typeof createSandboxRuntime>) {
  const ports = createAwsPorts({
    region: rt.region,
    env: {},
    requestHandler: rt.requestHandler,
    credentials: rt.credentials,
    maxAttempts: 1,
  });
  const live = await readLiveState(ports, manifest);
  return { plan: buildPlan(manifest, live, { now: new Date(rt.clock.now()).toISOString(), toolVersion: 'test' }), live };
}

function settled(world: World, cluster: string, service: string, desired: number): void {
  const s = describeService(world, cluster, service);
  expect(s).toMatchObject({ status: 'ACTIVE', desiredCount: desired, runningCount: desired, pendingCount: 0 });
}

const CASES: [string, string | undefined][] = [
  ['rolling', undefined],
  ['canary', undefined],
  ['blue-green', undefined],
  ['multi', 'staging'],
  ['multi', 'production'],
];

describe('seeding from a manifest', () => {
  for (const [example, environment] of CASES) {
    it(`seeds examples/${example}${environment ? ` (${environment})` : ''} so that a plan shows only the image changes`, async () => {
      const manifest = load(example, environment);
      const { runtime } = seeded(manifest);
      const { plan: p, live } = await plan(manifest, runtime);
      expect(live.preflight).toEqual([]);
      for (const sp of p.services) {
        expect(sp.action, `${sp.key}: ${sp.blockedReasons.join('; ')}`).toBe('update');
        expect(sp.serviceChanged, `${sp.key} service diff:\n${sp.diff}`).toBe(false);
        const paths = sp.changes.map((c) => c.path);
        expect(paths.length, sp.key).toBeGreaterThan(0);
        for (const path of paths) expect(path, `${sp.key}:\n${sp.diff}`).toMatch(/^containerDefinitions\[[^\]]+\]\.image$/);
      }
    });
  }

  it('seeds a rolling service settled on the previous tag with the manifest deployment settings', () => {
    const manifest = load('rolling');
    const { world } = seeded(manifest);
    settled(world, 'hello', 'hello-web', 2);
    const s = describeService(world, 'hello', 'hello-web');
    expect(s.deploymentConfiguration).toMatchObject({
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    const td = world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: String(s.taskDefinition) }).taskDefinition as Json;
    expect(((td.containerDefinitions as Json[])[0] as Json).image).toMatch(/:previous$/);
    expect((s.deployments as Json[])[0]).toMatchObject({ rolloutState: 'COMPLETED' });
  });

  it('seeds a cluster that offers the built-in capacity providers its services name', () => {
    const manifest = load('rolling');
    const settings = manifest.services[0]?.settings as Record<string, unknown>;
    delete settings.launchType;
    settings.capacityProviderStrategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const { world } = seeded(manifest);
    settled(world, 'hello', 'hello-web', 2);
    const cluster = (world.dispatch('ecs', 'DescribeClusters', { clusters: ['hello'] }).clusters as Json[])[0];
    expect(cluster?.capacityProviders).toEqual(['FARGATE_SPOT']);
    expect(describeService(world, 'hello', 'hello-web').capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 },
    ]);
  });

  it('seeds a canary with the exact rule ARN, stable and canary target groups, the canary service at 0 and an OK alarm', () => {
    const manifest = load('canary');
    const { world } = seeded(manifest);
    const strategy = manifest.services[0]?.strategy;
    if (strategy?.type !== 'canary' || !strategy.rule) throw new Error('the canary example has a rule');
    const rules = world.dispatch('elbv2', 'DescribeRules', { RuleArns: [strategy.rule] }).Rules as Json[];
    const fc = (((rules[0] as Json).Actions as Json[])[0] as Json).ForwardConfig as Json;
    const tgs = world.dispatch('elbv2', 'DescribeTargetGroups', { Names: ['shop-web-stable', 'shop-web-canary'] }).TargetGroups as Json[];
    expect(fc.TargetGroups).toEqual([
      { TargetGroupArn: (tgs[0] as Json).TargetGroupArn, Weight: 100 },
      { TargetGroupArn: (tgs[1] as Json).TargetGroupArn, Weight: 0 },
    ]);
    expect((tgs[0] as Json).TargetGroupArn).toBe(
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web-stable/73e2d6bc24d8a067',
    );
    settled(world, 'shop', 'shop-web', 4);
    settled(world, 'shop', 'shop-web-canary', 0);
    const health = world.dispatch('elbv2', 'DescribeTargetHealth', { TargetGroupArn: (tgs[0] as Json).TargetGroupArn })
      .TargetHealthDescriptions as Json[];
    expect(health.map((h) => (h.TargetHealth as Json).State)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    const alarm = (
      world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmNames: ['shop-web-canary-5xx'] }).MetricAlarms as Json[]
    )[0] as Json;
    expect(alarm).toMatchObject({ StateValue: 'OK', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' });
    expect(alarm.Dimensions).toContainEqual({
      Name: 'TargetGroup',
      Value: String((tgs[1] as Json).TargetGroupArn)
        .split(':')
        .pop(),
    });
  });

  it('seeds blue-green with a CODE_DEPLOY service, an initial task set and the CodeDeploy application and group', () => {
    const manifest = load('blue-green');
    const { world } = seeded(manifest);
    const s = describeService(world, 'orders', 'orders-api');
    expect(s.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    expect((s.taskSets as Json[]).map((t) => [t.status, t.stabilityStatus, t.runningCount])).toEqual([['PRIMARY', 'STEADY_STATE', 3]]);
    const g = world.dispatch('codedeploy', 'GetDeploymentGroup', { applicationName: 'orders', deploymentGroupName: 'orders-api' })
      .deploymentGroupInfo as Json;
    expect(g.ecsServices).toEqual([{ serviceName: 'orders-api', clusterName: 'orders' }]);
    const pair = ((g.loadBalancerInfo as Json).targetGroupPairInfoList as Json[])[0] as Json;
    expect(pair.targetGroups).toEqual([{ name: 'orders-blue' }, { name: 'orders-green' }]);
    const alarm = (
      world.dispatch('cloudwatch', 'DescribeAlarms', { AlarmNames: ['orders-api-green-5xx'] }).MetricAlarms as Json[]
    )[0] as Json;
    expect(alarm.StateValue).toBe('OK');
  });

  it('seeds the multi example: scheduled target on the previous revision, SNS topic, every service settled', () => {
    const manifest = load('multi', 'production');
    const { world } = seeded(manifest);
    for (const s of manifest.services) settled(world, s.cluster, s.service, typeof s.desiredCount === 'number' ? s.desiredCount : 2);
    for (const t of manifest.scheduledTargets) {
      const targets = world.dispatch('events', 'ListTargetsByRule', { Rule: t.rule }).Targets as Json[];
      const owner = manifest.services.find((s) => s.key === t.taskDefinitionOf);
      const running = describeService(world, String(owner?.cluster), String(owner?.service)).taskDefinition;
      expect(((targets[0] as Json).EcsParameters as Json).TaskDefinitionArn).toBe(running);
    }
    if (manifest.notify.sns) {
      world.dispatch('sns', 'Publish', { TopicArn: manifest.notify.sns, Message: 'hello' });
      expect(world.snapshot().sns.messages).toHaveLength(1);
    }
  });
});

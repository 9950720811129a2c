import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { createHash } from 'node:crypto';
import { type Scenario, SandboxApiError, seedFromManifest } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, newWorld, type TestClock } from './helpers.js';

const APPSPEC = (td: string, extra: string[] = []) =>
  [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: "${td}"`,
    '        LoadBalancerInfo:',
    '          ContainerName: "api"',
    '          ContainerPort: 8080',
    ...extra,
  ].join('\n');

function blueGreen(scenario?: Scenario) {
  const { world, clock } = newWorld(scenario);
  const manifest = loadManifest({ cwd: resolve(__dirname, '../../../examples/blue-green'), env: { IMAGE_TAG: '2.0.0' } });
  seedFromManifest(world, manifest);
  const running = String(describeService(world, 'orders', 'orders-api').taskDefinition);
  const td = world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: running }).taskDefinition as Json;
  const containers = (td.containerDefinitions as Json[]).map((c) => ({ ...c, image: String(c.image).replace(':previous', ':2.0.0') }));
  const green = world.dispatch('ecs', 'RegisterTaskDefinition', {
    family: td.family,
    networkMode: td.networkMode,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    containerDefinitions: containers,
  });
  const greenTd = String((green.taskDefinition as Json).taskDefinitionArn);
  // The example's test-traffic gate makes the seeded group wait Ready; these tests follow CodeDeploy on its own.
  world.dispatch('codedeploy', 'UpdateDeploymentGroup', {
    applicationName: 'orders',
    currentDeploymentGroupName: 'orders-api',
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
    },
  });
  const group = world.dispatch('codedeploy', 'GetDeploymentGroup', { applicationName: 'orders', deploymentGroupName: 'orders-api' })
    .deploymentGroupInfo as Json;
  const pair = ((group.loadBalancerInfo as Json).targetGroupPairInfoList as Json[])[0] as Json;
  const prod = String(((pair.prodTrafficRoute as Json).listenerArns as string[])[0]);
  const test = String(((pair.testTrafficRoute as Json).listenerArns as string[])[0]);
  const deploy = (config?: string, extra: string[] = [], td = greenTd) =>
    String(
      world.dispatch('codedeploy', 'CreateDeployment', {
        applicationName: 'orders',
        deploymentGroupName: 'orders-api',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC(td, extra) } },
        ...(config ? { deploymentConfigName: config } : {}),
      }).deploymentId,
    );
  const weights = (listener: string): Record<string, number> => {
    const l = (world.dispatch('elbv2', 'DescribeListeners', { ListenerArns: [listener] }).Listeners as Json[])[0] as Json;
    const fc = ((l.DefaultActions as Json[])[0] as Json).ForwardConfig as Json;
    const out: Record<string, number> = {};
    for (const t of fc.TargetGroups as Json[]) out[String(t.TargetGroupArn).split('/')[1] as string] = Number(t.Weight);
    return out;
  };
  const status = (id: string) => (world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json).status;
  const target = (id: string) =>
    (
      world.dispatch('codedeploy', 'BatchGetDeploymentTargets', { deploymentId: id, targetIds: ['orders:orders-api'] })
        .deploymentTargets as Json[]
    )[0]?.ecsTarget as Json;
  return { world, clock, running, greenTd, prod, test, deploy, weights, status, target };
}

/** Advances minute by minute, recording the green weight of the production listener after each step. */
function greenWeights(clock: TestClock, weights: () => Record<string, number>, minutes: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < minutes; i++) {
    clock.advance(60_000);
    const w = weights()['orders-green'] ?? 0;
    if (seen.at(-1) !== w) seen.push(w);
  }
  return seen;
}

describe('CodeDeploy ECS blue/green (aws-semantics §2)', () => {
  it('all at once: installs green, points test traffic at it, shifts production in one step and removes blue after the termination wait', () => {
    const bg = blueGreen();
    const id = bg.deploy();
    expect(bg.status(id)).toBe('Created');
    bg.clock.advance(2_000);
    expect(bg.status(id)).toBe('InProgress');
    expect(bg.weights(bg.prod)).toEqual({ 'orders-blue': 1 });
    expect(greenWeights(bg.clock, () => bg.weights(bg.prod), 3)).toEqual([100]);
    expect(bg.weights(bg.test)).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    const target = bg.world.dispatch('codedeploy', 'GetDeploymentTarget', { deploymentId: id, targetId: 'orders:orders-api' })
      .deploymentTarget as Json;
    const ecs = target.ecsTarget as Json;
    expect((ecs.lifecycleEvents as Json[]).map((e) => [e.lifecycleEventName, e.status])).toEqual([
      ['BeforeInstall', 'Succeeded'],
      ['Install', 'Succeeded'],
      ['AfterInstall', 'Succeeded'],
      ['AllowTestTraffic', 'Succeeded'],
      ['AfterAllowTestTraffic', 'Succeeded'],
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);
    expect((ecs.taskSetsInfo as Json[]).map((t) => [t.taskSetLabel, t.trafficWeight, t.status])).toEqual([
      ['Blue', 0, 'ACTIVE'],
      ['Green', 100, 'PRIMARY'],
    ]);
    // Termination wait (5 minutes in the seeded group) keeps the deployment InProgress.
    expect(bg.status(id)).toBe('InProgress');
    bg.clock.advance(5 * 60_000);
    expect(bg.status(id)).toBe('Succeeded');
    bg.clock.advance(60_000);
    const svc = describeService(bg.world, 'orders', 'orders-api');
    expect(svc.taskDefinition).toBe(bg.greenTd);
    expect((svc.taskSets as Json[]).map((t) => [t.status, t.taskDefinition, t.externalId])).toEqual([['PRIMARY', bg.greenTd, id]]);
  });

  it('linear 10 % every minute shifts production traffic ten points a minute', () => {
    const bg = blueGreen();
    bg.deploy('CodeDeployDefault.ECSLinear10PercentEvery1Minutes');
    expect(greenWeights(bg.clock, () => bg.weights(bg.prod), 14)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('canary 10 % for 5 minutes shifts 10 % and then the rest', () => {
    const bg = blueGreen();
    bg.deploy('CodeDeployDefault.ECSCanary10Percent5Minutes');
    const seen: [number, number][] = [];
    for (let m = 1; m <= 10; m++) {
      bg.clock.advance(60_000);
      const w = bg.weights(bg.prod)['orders-green'] ?? 0;
      if (seen.at(-1)?.[1] !== w) seen.push([m, w]);
    }
    expect(seen.map(([, w]) => w)).toEqual([10, 100]);
    const ten = seen.find(([, w]) => w === 10)?.[0] ?? 0;
    const hundred = seen.find(([, w]) => w === 100)?.[0] ?? 0;
    expect(hundred - ten).toBe(5);
  });

  it('allows one active deployment per group', () => {
    const bg = blueGreen();
    const first = bg.deploy();
    let error: unknown;
    try {
      bg.deploy();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SandboxApiError);
    expect((error as SandboxApiError).code).toBe('DeploymentAlreadyStartedException');
    expect((error as SandboxApiError).message).toContain(first);
  });

  it('stops with rollback: production back on blue, green task set drained, status Stopped', () => {
    const bg = blueGreen();
    const id = bg.deploy('CodeDeployDefault.ECSLinear10PercentEvery3Minutes');
    bg.clock.advance(4 * 60_000);
    expect(bg.weights(bg.prod)['orders-green']).toBeGreaterThan(0);
    const out = bg.world.dispatch('codedeploy', 'StopDeployment', { deploymentId: id, autoRollbackEnabled: true });
    expect(out.status).toBe('Succeeded');
    expect(bg.weights(bg.prod)).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    const info = bg.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json;
    expect(info).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' } });
    bg.clock.advance(5 * 60_000);
    const svc = describeService(bg.world, 'orders', 'orders-api');
    expect(svc.taskDefinition).toBe(bg.running);
    expect((svc.taskSets as Json[]).map((t) => t.status)).toEqual(['PRIMARY']);
  });

  it('waits in Ready when the group says STOP_DEPLOYMENT (seeded for a test-traffic gate), until ContinueDeployment', () => {
    const manifest = loadManifest({ cwd: resolve(__dirname, '../../../examples/blue-green'), env: { IMAGE_TAG: '2.0.0' } });
    const ready = newWorld();
    seedFromManifest(ready.world, manifest);
    const group = ready.world.dispatch('codedeploy', 'GetDeploymentGroup', { applicationName: 'orders', deploymentGroupName: 'orders-api' })
      .deploymentGroupInfo as Json;
    expect((group.blueGreenDeploymentConfiguration as Json).deploymentReadyOption).toMatchObject({ actionOnTimeout: 'STOP_DEPLOYMENT' });
    const running = String(describeService(ready.world, 'orders', 'orders-api').taskDefinition);
    const id = String(
      ready.world.dispatch('codedeploy', 'CreateDeployment', {
        applicationName: 'orders',
        deploymentGroupName: 'orders-api',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC(running) } },
      }).deploymentId,
    );
    ready.clock.advance(5 * 60_000);
    const status = () => (ready.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json).status;
    expect(status()).toBe('Ready');
    ready.world.dispatch('codedeploy', 'ContinueDeployment', { deploymentId: id, deploymentWaitType: 'READY_WAIT' });
    ready.clock.advance(60_000);
    expect(status()).toBe('InProgress');
    ready.world.dispatch('codedeploy', 'ContinueDeployment', { deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' });
    expect(status()).toBe('Succeeded');
  });

  it('stops on a deployment-group alarm and rolls back when the group says so', () => {
    const bg = blueGreen();
    const internal = bg.world as unknown as { context: { st: { codedeploy: { groups: Record<string, { config: Json }> } } } };
    const config = internal.context.st.codedeploy.groups['orders/orders-api']?.config as Json;
    config.alarmConfiguration = { enabled: true, alarms: [{ name: 'orders-api-green-5xx' }] };
    config.autoRollbackConfiguration = { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] };
    const id = bg.deploy('CodeDeployDefault.ECSLinear10PercentEvery3Minutes');
    bg.clock.advance(4 * 60_000);
    bg.world.dispatch('cloudwatch', 'SetAlarmState', { AlarmName: 'orders-api-green-5xx', StateValue: 'ALARM', StateReason: 'test' });
    bg.clock.advance(1_000);
    const info = bg.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json;
    expect(info).toMatchObject({ status: 'Stopped', errorInformation: { code: 'ALARM_ACTIVE' } });
    expect(bg.weights(bg.prod)).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(bg.weights(bg.test)).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
  });
});

function thrown(f: () => unknown): SandboxApiError | undefined {
  try {
    f();
  } catch (e) {
    return e as SandboxApiError;
  }
  return undefined;
}

const HOOKS = [
  'Hooks:',
  '  - AfterAllowTestTraffic: "orders-smoke"',
  '  - BeforeAllowTraffic: "arn:aws:lambda:us-east-1:123456789012:function:orders-gate"',
];

describe('CodeDeploy Lambda hooks, AppSpec settings and what the service reads afterwards', () => {
  it('runs a hook the AppSpec names until its function answers; a Failed answer fails the deployment with the diagnostics and rolls back', () => {
    const bg = blueGreen({
      images: [],
      faults: [],
      hooks: [
        {
          match: 'orders-smoke',
          event: 'AfterAllowTestTraffic',
          status: 'Failed',
          seconds: 90,
          message: 'smoke test: 3 of 10 requests failed',
        },
      ],
    });
    const id = bg.deploy('CodeDeployDefault.ECSAllAtOnce', HOOKS);
    bg.clock.advance(60_000);
    const events = () => (bg.target(id).lifecycleEvents as Json[]).map((e) => [e.lifecycleEventName, e.status]);
    expect(events()).toContainEqual(['AfterAllowTestTraffic', 'InProgress']);
    expect(bg.weights(bg.test)).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    bg.clock.advance(90_000);
    const info = bg.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json;
    expect(info).toMatchObject({ status: 'Failed', errorInformation: { code: 'HOOK_EXECUTION_FAILURE' } });
    const failed = (bg.target(id).lifecycleEvents as Json[]).find((e) => e.lifecycleEventName === 'AfterAllowTestTraffic');
    expect(failed).toMatchObject({
      status: 'Failed',
      diagnostics: { errorCode: 'ScriptFailed', scriptName: 'orders-smoke', message: 'smoke test: 3 of 10 requests failed' },
    });
    expect(events().slice(-3)).toEqual([
      ['BeforeAllowTraffic', 'Skipped'],
      ['AllowTraffic', 'Skipped'],
      ['AfterAllowTraffic', 'Skipped'],
    ]);
    // The group rolls back on DEPLOYMENT_FAILURE: both listeners on blue again, production never moved.
    expect(bg.weights(bg.test)).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(bg.weights(bg.prod)).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect((bg.target(id).taskSetsInfo as Json[]).map((t) => [t.taskSetLabel, t.trafficWeight])).toContainEqual(['Blue', 100]);
  });

  it('a hook whose function never answers fails its event after an hour; one that succeeds lets the deployment go on', () => {
    const never = blueGreen({ images: [], faults: [], hooks: [{ match: 'orders-gate', status: 'Pending' }] });
    const stuck = never.deploy(
      'CodeDeployDefault.ECSAllAtOnce',
      HOOKS.map((l) => l.replace(/arn:.*:function:/, '')),
    );
    never.clock.advance(59 * 60_000);
    expect(never.status(stuck)).toBe('InProgress');
    never.clock.advance(3 * 60_000);
    const info = never.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: stuck }).deploymentInfo as Json;
    expect(info).toMatchObject({ status: 'Failed', errorInformation: { code: 'TIMEOUT' } });

    const fine = blueGreen({ images: [], faults: [], hooks: [{ match: '*orders-*', status: 'Succeeded', seconds: 30 }] });
    const id = fine.deploy('CodeDeployDefault.ECSAllAtOnce', HOOKS);
    fine.clock.advance(10 * 60_000);
    expect(fine.status(id)).toBe('Succeeded');
    expect((fine.target(id).lifecycleEvents as Json[]).every((e) => e.status === 'Succeeded')).toBe(true);
  });

  it('a failing BeforeInstall hook fails the deployment before anything is installed, with nothing to roll back', () => {
    const bg = blueGreen({ images: [], faults: [], hooks: [{ match: 'pre', status: 'Failed' }] });
    const id = bg.deploy('CodeDeployDefault.ECSAllAtOnce', ['Hooks:', '  - BeforeInstall: "pre"']);
    bg.clock.advance(60_000);
    const info = bg.world.dispatch('codedeploy', 'GetDeployment', { deploymentId: id }).deploymentInfo as Json;
    expect(info).toMatchObject({ status: 'Failed', errorInformation: { code: 'HOOK_EXECUTION_FAILURE' } });
    expect(info.rollbackInfo).toBeUndefined();
    const svc = describeService(bg.world, 'orders', 'orders-api');
    expect((svc.taskSets as Json[]).map((t) => t.status)).toEqual(['PRIMARY']);
  });

  it('gives the replacement task set the AppSpec network configuration and platform version; after the shift the service reads them, and its load balancer is green', () => {
    const bg = blueGreen();
    const net = [
      '        PlatformVersion: "1.4.0"',
      '        NetworkConfiguration:',
      '          AwsvpcConfiguration:',
      '            Subnets: ["subnet-0a1b2c3d4e5f60009"]',
      '            SecurityGroups: ["sg-0a1b2c3d4e5f60009"]',
      '            AssignPublicIp: "DISABLED"',
    ];
    const id = bg.deploy('CodeDeployDefault.ECSAllAtOnce', net);
    bg.clock.advance(3 * 60_000);
    const svc = describeService(bg.world, 'orders', 'orders-api');
    expect(svc.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60009'], securityGroups: ['sg-0a1b2c3d4e5f60009'], assignPublicIp: 'DISABLED' },
    });
    expect(svc.platformVersion).toBe('1.4.0');
    expect(String((svc.loadBalancers as Json[])[0]?.targetGroupArn)).toContain('targetgroup/orders-green/');
    bg.world.dispatch('codedeploy', 'ContinueDeployment', { deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' });
    expect(bg.status(id)).toBe('Succeeded');
  });

  it('alternates the target groups: the next deployment installs on the one the previous one left', () => {
    const bg = blueGreen();
    const first = bg.deploy();
    bg.clock.advance(3 * 60_000);
    bg.world.dispatch('codedeploy', 'ContinueDeployment', { deploymentId: first, deploymentWaitType: 'TERMINATION_WAIT' });
    bg.clock.advance(60_000);
    const second = bg.deploy(undefined, [], bg.running);
    bg.clock.advance(3 * 60_000);
    const sets = (bg.target(second).taskSetsInfo as Json[]).map((t) => [t.taskSetLabel, (t.targetGroup as Json).name]);
    expect(sets).toEqual([
      ['Blue', 'orders-green'],
      ['Green', 'orders-blue'],
    ]);
    expect(bg.weights(bg.prod)).toEqual({ 'orders-green': 0, 'orders-blue': 100 });
  });

  it('refuses an AppSpec whose sha256 is not its content, and a hook on an event ECS deployments do not run', () => {
    const bg = blueGreen();
    const content = APPSPEC(bg.greenTd);
    const create = (revision: Json) => () =>
      bg.world.dispatch('codedeploy', 'CreateDeployment', { applicationName: 'orders', deploymentGroupName: 'orders-api', revision });
    expect(thrown(create({ revisionType: 'AppSpecContent', appSpecContent: { content, sha256: 'ab'.repeat(32) } }))?.code).toBe(
      'InvalidRevisionException',
    );
    expect(
      thrown(
        create({
          revisionType: 'AppSpecContent',
          appSpecContent: { content: APPSPEC(bg.greenTd, ['Hooks:', '  - ApplicationStart: "x"']) },
        }),
      )?.code,
    ).toBe('InvalidRevisionException');
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(create({ revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } })()).toHaveProperty('deploymentId');
  });
});

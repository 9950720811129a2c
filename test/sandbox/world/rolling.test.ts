import { describe, expect, it } from 'vitest';
import { rollingBounds, type World } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, NETWORK, newWorld, register, runUntil, type TestClock } from './helpers.js';

function setup(desired: number, min: number, max: number): { world: World; clock: TestClock; td2: string } {
  const { world, clock } = newWorld();
  world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
  const td1 = register(world, 'web', 'repo/web:1');
  world.dispatch('ecs', 'CreateService', {
    cluster: 'shop',
    serviceName: 'web',
    taskDefinition: td1,
    desiredCount: desired,
    networkConfiguration: NETWORK,
    deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max },
  });
  runUntil(world, clock, () => deployments(world)[0]?.rolloutState === 'COMPLETED');
  return { world, clock, td2: register(world, 'web', 'repo/web:2') };
}

function deployments(world: World): Json[] {
  return describeService(world, 'shop', 'web').deployments as Json[];
}

function liveTasks(world: World): Json[] {
  const arns = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web' }).taskArns as string[];
  if (!arns.length) return [];
  return world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: arns }).tasks as Json[];
}

function messages(world: World): string[] {
  return (describeService(world, 'shop', 'web').events as Json[]).map((e) => String(e.message));
}

describe('rolling update arithmetic (aws-semantics §1.2)', () => {
  it('rounds the minimum healthy count up and the maximum task count down', () => {
    expect(rollingBounds(4, 50, 200)).toEqual({ minHealthy: 2, maxTasks: 8 });
    expect(rollingBounds(2, 75, 200)).toEqual({ minHealthy: 2, maxTasks: 4 });
    expect(rollingBounds(3, 100, 125)).toEqual({ minHealthy: 3, maxTasks: 3 });
    expect(rollingBounds(5, 50, 150)).toEqual({ minHealthy: 3, maxTasks: 7 });
  });

  it('with desired 4, min 50 and max 200 stops two old tasks and starts four new ones at once', () => {
    const { world, td2 } = setup(4, 50, 200);
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    world.dispatch('ecs', 'ListClusters', {});
    const tasks = liveTasks(world);
    expect(tasks.filter((t) => t.taskDefinitionArn === td2)).toHaveLength(4);
    const stopping = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web', desiredStatus: 'STOPPED' })
      .taskArns as string[];
    expect(stopping).toHaveLength(2);
    expect(messages(world)[0]).toMatch(/^\(service web\) has started 4 tasks: \(task [0-9a-f]{32}\)/);
    expect(messages(world)[1]).toMatch(/^\(service web\) has stopped 2 running tasks: /);
  });

  it('with min 100 and max 200 starts the new tasks first and stops old ones only once new ones are healthy', () => {
    const { world, clock, td2 } = setup(2, 100, 200);
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    clock.advance(10_000);
    world.dispatch('ecs', 'ListClusters', {});
    // The new tasks are RUNNING but within the 40 s window: nothing old may stop yet.
    expect(
      liveTasks(world)
        .map((t) => [t.taskDefinitionArn === td2 ? 'new' : 'old', t.lastStatus])
        .sort(),
    ).toEqual([
      ['new', 'RUNNING'],
      ['new', 'RUNNING'],
      ['old', 'RUNNING'],
      ['old', 'RUNNING'],
    ]);
    clock.advance(40_000);
    world.dispatch('ecs', 'ListClusters', {});
    expect(liveTasks(world).every((t) => t.taskDefinitionArn === td2)).toBe(true);
  });

  it('reports when the configuration allows neither a stop nor a start', () => {
    const { world, clock, td2 } = setup(2, 75, 125);
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    clock.advance(5_000);
    world.dispatch('ecs', 'ListClusters', {});
    expect(messages(world)).toContain(
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.',
    );
    expect(deployments(world)[0]?.rolloutState).toBe('IN_PROGRESS');
  });

  it('completes a healthy deployment with AWS event messages, a COMPLETED rollout and a SUCCESSFUL service deployment', () => {
    const { world, clock, td2 } = setup(3, 100, 200);
    const up = world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    const primary = ((up.service as Json).deployments as Json[])[0] as Json;
    expect(primary).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: td2 });
    expect(String(primary.id)).toMatch(/^ecs-svc\/\d{19}$/);
    expect(primary.rolloutStateReason).toBe(`ECS deployment ${primary.id} in progress.`);
    runUntil(world, clock, () => deployments(world).length === 1 && deployments(world)[0]?.rolloutState === 'COMPLETED');
    const svc = describeService(world, 'shop', 'web');
    expect(svc).toMatchObject({ runningCount: 3, pendingCount: 0, desiredCount: 3, taskDefinition: td2 });
    expect(deployments(world)[0]).toMatchObject({ id: primary.id, rolloutStateReason: `ECS deployment ${primary.id} completed.` });
    const msgs = messages(world);
    expect(msgs[0]).toBe('(service web) has reached a steady state.');
    expect(msgs[1]).toBe(`(service web) (deployment ${primary.id}) deployment completed.`);
    const list = world.dispatch('ecs', 'ListServiceDeployments', { cluster: 'shop', service: 'web' }).serviceDeployments as Json[];
    expect(list.map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
    expect(svc.currentServiceDeployment).toBe(list[0]?.serviceDeploymentArn);
    const stopped = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web', desiredStatus: 'STOPPED' })
      .taskArns as string[];
    const old = world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: stopped }).tasks as Json[];
    expect(old).toHaveLength(3);
    for (const t of old) {
      expect(t).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated' });
      expect(t.stoppedReason).toBe(`Scaling activity initiated by (deployment ${primary.id})`);
    }
  });

  it('moves tasks through PROVISIONING, PENDING and RUNNING on the image start time', () => {
    const { world, clock } = newWorld({ images: [{ match: '*:slow', startSeconds: 30 }], faults: [] });
    world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
    const td = register(world, 'web', 'repo/web:slow');
    const run = world.dispatch('ecs', 'RunTask', { cluster: 'shop', taskDefinition: td, networkConfiguration: NETWORK });
    const arn = String(((run.tasks as Json[])[0] as Json).taskArn);
    const status = () =>
      ((world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: [arn] }).tasks as Json[])[0] as Json).lastStatus;
    expect(status()).toBe('PROVISIONING');
    clock.advance(2_000);
    expect(status()).toBe('PENDING');
    clock.advance(30_000);
    expect(status()).toBe('RUNNING');
  });

  it('changes only the desired count without starting a deployment', () => {
    const { world, clock } = setup(2, 100, 200);
    const before = deployments(world)[0]?.id;
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', desiredCount: 4 });
    expect(deployments(world)).toHaveLength(1);
    expect(deployments(world)[0]?.id).toBe(before);
    runUntil(world, clock, () => describeService(world, 'shop', 'web').runningCount === 4);
  });

  it('replaces a task stopped by a user and records the user reason', () => {
    const { world, clock } = setup(2, 100, 200);
    const [first] = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web' }).taskArns as string[];
    const out = world.dispatch('ecs', 'StopTask', { cluster: 'shop', task: first, reason: 'debugging' });
    expect(out.task).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: 'debugging', stopCode: 'UserInitiated' });
    runUntil(
      world,
      clock,
      () => describeService(world, 'shop', 'web').runningCount === 2 && liveTasks(world).every((t) => t.taskArn !== first),
    );
  });
});

describe('one-off tasks and service deletion', () => {
  it('runs a one-off task to completion with the exit code its image gives', () => {
    const { world, clock } = newWorld({ images: [{ match: '*:migrate-bad', exitCode: 3 }], faults: [] });
    world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
    const ok = register(world, 'job', 'repo/job:migrate-ok');
    const bad = register(world, 'job', 'repo/job:migrate-bad');
    const run = (td: string) =>
      String(
        (
          (
            world.dispatch('ecs', 'RunTask', { cluster: 'shop', taskDefinition: td, networkConfiguration: NETWORK, startedBy: 'ecsdeploy' })
              .tasks as Json[]
          )[0] as Json
        ).taskArn,
      );
    const arns = [run(ok), run(bad)];
    clock.advance(30_000);
    const tasks = world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: arns }).tasks as Json[];
    expect(tasks.map((t) => [t.lastStatus, t.stopCode, ((t.containers as Json[])[0] as Json).exitCode, t.group, t.startedBy])).toEqual([
      ['STOPPED', 'EssentialContainerExited', 0, 'family:job', 'ecsdeploy'],
      ['STOPPED', 'EssentialContainerExited', 3, 'family:job', 'ecsdeploy'],
    ]);
  });

  it('refuses to delete a scaled service without force, and drains it to INACTIVE with force', () => {
    const { world, clock } = setup(2, 100, 200);
    let code = '';
    try {
      world.dispatch('ecs', 'DeleteService', { cluster: 'shop', service: 'web' });
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('InvalidParameterException');
    expect((world.dispatch('ecs', 'DeleteService', { cluster: 'shop', service: 'web', force: true }).service as Json).status).toBe(
      'DRAINING',
    );
    clock.advance(60_000);
    expect(describeService(world, 'shop', 'web').status).toBe('INACTIVE');
    expect(world.dispatch('ecs', 'ListServices', { cluster: 'shop' }).serviceArns).toEqual([]);
    const missing = world.dispatch('ecs', 'DescribeServices', { cluster: 'shop', services: ['nope'] });
    expect(missing.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/shop/nope', reason: 'MISSING' }]);
  });
});

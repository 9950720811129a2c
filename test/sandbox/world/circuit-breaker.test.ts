import { describe, expect, it } from 'vitest';
import { circuitBreakerThreshold, type Scenario, type World } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, NETWORK, newWorld, register, runUntil, type TestClock } from './helpers.js';

const CRASHING: Scenario = { images: [{ match: '*:bad', crashOnStart: true, exitCode: 137 }], faults: [] };

function setup(
  deploymentConfiguration: Record<string, unknown>,
  scenario: Scenario = CRASHING,
  desiredCount = 2,
): { world: World; clock: TestClock; td1: string; td2: string } {
  const { world, clock } = newWorld(scenario);
  world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
  const td1 = register(world, 'web', 'repo/web:1');
  world.dispatch('ecs', 'CreateService', {
    cluster: 'shop',
    serviceName: 'web',
    taskDefinition: td1,
    desiredCount,
    networkConfiguration: NETWORK,
    deploymentConfiguration,
  });
  runUntil(world, clock, () => deployments(world)[0]?.rolloutState === 'COMPLETED');
  return { world, clock, td1, td2: register(world, 'web', 'repo/web:bad') };
}

function deployments(world: World): Json[] {
  return describeService(world, 'shop', 'web').deployments as Json[];
}

function messages(world: World): string[] {
  return (describeService(world, 'shop', 'web').events as Json[]).map((e) => String(e.message));
}

describe('deployment circuit breaker (aws-semantics §1.4)', () => {
  it('computes thresholds: BOUNDED_PERCENT 50 clamps ceil(0.5 × desired) to [3, 200]; COUNT and UNBOUNDED_PERCENT do not clamp', () => {
    expect(circuitBreakerThreshold(undefined, 1)).toBe(3);
    expect(circuitBreakerThreshold(undefined, 25)).toBe(13);
    expect(circuitBreakerThreshold(undefined, 1000)).toBe(200);
    expect(circuitBreakerThreshold({ type: 'BOUNDED_PERCENT', value: 50 }, 10)).toBe(5);
    expect(circuitBreakerThreshold({ type: 'COUNT', value: 7 }, 1000)).toBe(7);
    expect(circuitBreakerThreshold({ type: 'UNBOUNDED_PERCENT', value: 50 }, 1000)).toBe(500);
    expect(circuitBreakerThreshold({ type: 'UNBOUNDED_PERCENT', value: 50 }, 1)).toBe(1);
  });

  it('catches a crashing image and rolls back to the last COMPLETED deployment', () => {
    const { world, clock, td1, td2 } = setup({ deploymentCircuitBreaker: { enable: true, rollback: true } });
    const completed = deployments(world)[0]?.id;
    const up = world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    const failing = (((up.service as Json).deployments as Json[])[0] as Json).id;
    runUntil(world, clock, () => deployments(world).some((d) => d.rolloutState === 'FAILED'));
    const [primary, failed] = deployments(world) as [Json, Json];
    expect(failed).toMatchObject({
      id: failing,
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(Number(failed.failedTasks)).toBeGreaterThanOrEqual(3);
    expect(primary).toMatchObject({ status: 'PRIMARY', taskDefinition: td1, rolloutState: 'IN_PROGRESS' });
    expect(messages(world)).toEqual(
      expect.arrayContaining([
        `(service web) (deployment ${failing}) deployment failed: tasks failed to start.`,
        `(service web) rolling back to deployment ${completed}.`,
      ]),
    );
    runUntil(world, clock, () => deployments(world).length === 1 && deployments(world)[0]?.rolloutState === 'COMPLETED');
    expect(describeService(world, 'shop', 'web')).toMatchObject({ taskDefinition: td1, runningCount: 2 });
    const sd = (
      world.dispatch('ecs', 'ListServiceDeployments', { cluster: 'shop', service: 'web' }).serviceDeployments as Json[]
    )[0] as Json;
    const full = (
      world.dispatch('ecs', 'DescribeServiceDeployments', { serviceDeploymentArns: [sd.serviceDeploymentArn] }).serviceDeployments as Json[]
    )[0];
    expect(full).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', deploymentCircuitBreaker: { status: 'TRIGGERED', threshold: 3 } });
    expect(String(((full as Json).rollback as Json).reason)).toContain(`rolling back to deploymentId ${completed}`);
    // The crashed tasks say why they stopped, with the container's exit code.
    const stopped = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web', desiredStatus: 'STOPPED' })
      .taskArns as string[];
    const crashed = (world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: stopped }).tasks as Json[]).filter(
      (t) => t.taskDefinitionArn === td2,
    );
    expect(crashed.length).toBeGreaterThanOrEqual(3);
    for (const t of crashed) {
      expect(t).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
      expect(((t.containers as Json[])[0] as Json).exitCode).toBe(137);
    }
  });

  it('leaves the deployment FAILED without rollback and launches no more of its tasks', () => {
    const { world, clock, td1, td2 } = setup({ deploymentCircuitBreaker: { enable: true, rollback: false } });
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    runUntil(world, clock, () => deployments(world)[0]?.rolloutState === 'FAILED');
    clock.advance(600_000);
    const svc = describeService(world, 'shop', 'web');
    expect((svc.deployments as Json[]).map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'FAILED'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    const live = world.dispatch('ecs', 'ListTasks', { cluster: 'shop', serviceName: 'web' }).taskArns as string[];
    const tasks = world.dispatch('ecs', 'DescribeTasks', { cluster: 'shop', tasks: live }).tasks as Json[];
    expect(tasks.every((t) => t.taskDefinitionArn === td1)).toBe(true);
    const sd = (world.dispatch('ecs', 'ListServiceDeployments', { cluster: 'shop', service: 'web' }).serviceDeployments as Json[])[0];
    expect(sd?.status).toBe('STOPPED');
  });

  it('uses a COUNT threshold and counts failed tasks up to it', () => {
    const { world, clock, td2 } = setup({
      deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: 'COUNT', value: 6 } },
    });
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    runUntil(world, clock, () => deployments(world).some((d) => d.rolloutState === 'FAILED'), 3_600_000, 1_000);
    const failed = deployments(world).find((d) => d.rolloutState === 'FAILED') as Json;
    expect(Number(failed.failedTasks)).toBeGreaterThanOrEqual(6);
    expect(Number(failed.failedTasks)).toBeLessThan(8);
  });

  it('counts tasks failing their health checks behind a load balancer and stops them', () => {
    const scenario: Scenario = { images: [{ match: '*:bad', failHealthChecks: true }], faults: [] };
    const { world, clock } = newWorld(scenario);
    world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
    const tg = world.dispatch('elbv2', 'CreateTargetGroup', {
      Name: 'web',
      Protocol: 'HTTP',
      Port: '8080',
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckIntervalSeconds: '10',
      HealthyThresholdCount: '2',
    });
    const tgArn = String(((tg.TargetGroups as Json[])[0] as Json).TargetGroupArn);
    // ECS takes only a target group a load balancer sends traffic to.
    const lb = world.dispatch('elbv2', 'CreateLoadBalancer', { Name: 'shop', Subnets: ['subnet-1', 'subnet-2'] });
    world.dispatch('elbv2', 'CreateListener', {
      LoadBalancerArn: String(((lb.LoadBalancers as Json[])[0] as Json).LoadBalancerArn),
      Protocol: 'HTTP',
      Port: '80',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    });
    const td1 = register(world, 'web', 'repo/web:1');
    world.dispatch('ecs', 'CreateService', {
      cluster: 'shop',
      serviceName: 'web',
      taskDefinition: td1,
      desiredCount: 2,
      networkConfiguration: NETWORK,
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 8080 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    runUntil(world, clock, () => deployments(world)[0]?.rolloutState === 'COMPLETED');
    const health = world.dispatch('elbv2', 'DescribeTargetHealth', { TargetGroupArn: tgArn }).TargetHealthDescriptions as Json[];
    expect(health.map((h) => (h.TargetHealth as Json).State)).toEqual(['healthy', 'healthy']);
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: register(world, 'web', 'repo/web:bad') });
    runUntil(world, clock, () => deployments(world).some((d) => d.rolloutState === 'FAILED'));
    expect(messages(world).some((m) => /is unhealthy in \(target-group arn:aws:elasticloadbalancing:.*targetgroup\/web\//.test(m))).toBe(
      true,
    );
    runUntil(world, clock, () => deployments(world).length === 1 && deployments(world)[0]?.rolloutState === 'COMPLETED');
  });
});

describe('deployment alarms (aws-semantics §1.5)', () => {
  function withAlarm(initial: 'OK' | 'ALARM'): { world: World; clock: TestClock; td2: string } {
    const ctx = setup({ alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } }, { images: [], faults: [] });
    ctx.world.dispatch('cloudwatch', 'PutMetricAlarm', {
      AlarmName: 'web-5xx',
      Namespace: 'App',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    ctx.world.dispatch('cloudwatch', 'SetAlarmState', { AlarmName: 'web-5xx', StateValue: initial, StateReason: 'test' });
    return { ...ctx, td2: register(ctx.world, 'web', 'repo/web:2') };
  }

  it('fails the deployment and rolls back when a listed alarm enters ALARM during it', () => {
    const { world, clock, td2 } = withAlarm('OK');
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    clock.advance(10_000);
    world.dispatch('cloudwatch', 'PutMetricData', { Namespace: 'App', MetricData: [{ MetricName: 'Errors', Value: 5 }] });
    runUntil(world, clock, () => deployments(world).some((d) => d.rolloutState === 'FAILED'), 600_000);
    expect(messages(world).some((m) => m.endsWith('deployment failed: alarm detected.'))).toBe(true);
    const sd = (
      world.dispatch('ecs', 'ListServiceDeployments', { cluster: 'shop', service: 'web' }).serviceDeployments as Json[]
    )[0] as Json;
    const full = (
      world.dispatch('ecs', 'DescribeServiceDeployments', { serviceDeploymentArns: [sd.serviceDeploymentArn] }).serviceDeployments as Json[]
    )[0];
    expect(full?.alarms).toEqual({ status: 'TRIGGERED', alarmNames: ['web-5xx'], triggeredAlarmNames: ['web-5xx'] });
  });

  it('ignores an alarm that was already in ALARM when the deployment started', () => {
    const { world, clock, td2 } = withAlarm('ALARM');
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    runUntil(world, clock, () => deployments(world).length === 1 && deployments(world)[0]?.rolloutState === 'COMPLETED');
    expect(describeService(world, 'shop', 'web').taskDefinition).toBe(td2);
  });

  it('keeps the rollout IN_PROGRESS through a bake time derived from the alarm', () => {
    const { world, clock, td2 } = withAlarm('OK');
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: td2 });
    const elapsed = runUntil(world, clock, () => deployments(world)[0]?.rolloutState === 'COMPLETED', 3_600_000, 1_000);
    // 1 s provisioning + 5 s start + 40 s health, then one 60 s alarm period of bake.
    expect(elapsed).toBeGreaterThanOrEqual(46_000 + 60_000);
  });
});

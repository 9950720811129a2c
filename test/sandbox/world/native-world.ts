/**
 * A sandbox account with what an ECS-native blue/green service needs (aws-semantics §1.8), made through the API:
 * one ALB, a primary and an alternate target group, a production listener (:80) and a test listener (:8080), each
 * with a rule forwarding 100/0 to the primary, a cluster, and a rolling service `web` running `web:1` settled.
 * `deploy()` switches it to a strategy and a new revision in one UpdateService, as ecsdeploy does.
 */
import type { Scenario, World } from '../../../src/sandbox/world/index.js';
import { createWorld } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, NETWORK, register, runUntil, TestClock } from './helpers.js';

export const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers';
export const LAMBDA_ROLE = 'arn:aws:iam::123456789012:role/ecsLambdaHookRole';

export interface NativeWorld {
  world: World;
  clock: TestClock;
  primary: string;
  alternate: string;
  productionRule: string;
  testRule: string;
  /** Registers `web` with `image` and returns its ARN. */
  revision(image: string): string;
  /** UpdateService: the new revision with this deployment configuration (and the advanced load balancer config). */
  deploy(taskDefinition: string, deploymentConfiguration: Json, o?: { testRule?: boolean }): Json;
  /** DescribeServiceDeployments of the service's current service deployment. */
  current(): Json;
  /** Green's share of a rule's traffic, in percent, from the weights DescribeRules shows. */
  greenShare(rule: string, green: string): number;
  /** Polls (advancing the clock) until `done` holds for the current service deployment; returns the stages seen. */
  until(done: (sd: Json) => boolean, limitMs?: number, stepMs?: number): string[];
}

function one<T>(v: unknown): T {
  return (v as T[])[0] as T;
}

export function nativeWorld(scenario?: Scenario, desiredCount = 2): NativeWorld {
  const clock = new TestClock();
  const world = createWorld({ clock, scenario, randomSeed: 7 });
  const elb = (op: string, input: Json) => world.dispatch('elbv2', op, input);
  const lb = String(one<Json>(elb('CreateLoadBalancer', { Name: 'shop' }).LoadBalancers).LoadBalancerArn);
  const tg = (name: string) =>
    String(
      one<Json>(
        elb('CreateTargetGroup', {
          Name: name,
          Protocol: 'HTTP',
          Port: '8080',
          TargetType: 'ip',
          VpcId: 'vpc-1',
          HealthCheckIntervalSeconds: '10',
          HealthyThresholdCount: '2',
        }).TargetGroups,
      ).TargetGroupArn,
    );
  const primary = tg('web-blue');
  const alternate = tg('web-green');
  const forward = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: primary, Weight: '100' },
          { TargetGroupArn: alternate, Weight: '0' },
        ],
      },
    },
  ];
  const listener = (port: string) =>
    String(
      one<Json>(
        elb('CreateListener', {
          LoadBalancerArn: lb,
          Port: port,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }).Listeners,
      ).ListenerArn,
    );
  const rule = (listenerArn: string) =>
    String(
      one<Json>(
        elb('CreateRule', {
          ListenerArn: listenerArn,
          Priority: '10',
          Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
          Actions: forward,
        }).Rules,
      ).RuleArn,
    );
  const productionRule = rule(listener('80'));
  const testRule = rule(listener('8080'));
  world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
  const first = register(world, 'web', 'shop/web:1');
  world.dispatch('ecs', 'CreateService', {
    cluster: 'shop',
    serviceName: 'web',
    taskDefinition: first,
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: NETWORK,
    loadBalancers: [{ targetGroupArn: primary, containerName: 'app', containerPort: 8080 }],
  });
  const svc = () => describeService(world, 'shop', 'web');
  runUntil(world, clock, () => ((svc().deployments as Json[])[0] as Json).rolloutState === 'COMPLETED');
  const current = (): Json =>
    one<Json>(
      world.dispatch('ecs', 'DescribeServiceDeployments', { serviceDeploymentArns: [String(svc().currentServiceDeployment)] })
        .serviceDeployments,
    );
  return {
    world,
    clock,
    primary,
    alternate,
    productionRule,
    testRule,
    revision: (image) => register(world, 'web', image),
    deploy(taskDefinition, deploymentConfiguration, o = {}) {
      const out = world.dispatch('ecs', 'UpdateService', {
        cluster: 'shop',
        service: 'web',
        taskDefinition,
        deploymentConfiguration,
        loadBalancers: [
          {
            targetGroupArn: primary,
            containerName: 'app',
            containerPort: 8080,
            advancedConfiguration: {
              alternateTargetGroupArn: alternate,
              productionListenerRule: productionRule,
              ...(o.testRule === false ? {} : { testListenerRule: testRule }),
              roleArn: ROLE,
            },
          },
        ],
      });
      return out.service as Json;
    },
    current,
    greenShare(ruleArn, green) {
      const r = one<Json>(world.dispatch('elbv2', 'DescribeRules', { RuleArns: [ruleArn] }).Rules);
      const tgs = ((((r.Actions as Json[])[0] as Json).ForwardConfig as Json).TargetGroups as Json[]).map((t) => ({
        arn: String(t.TargetGroupArn),
        weight: Number(t.Weight),
      }));
      const total = tgs.reduce((s, t) => s + t.weight, 0);
      return total === 0 ? 0 : (100 * (tgs.find((t) => t.arn === green)?.weight ?? 0)) / total;
    },
    until(done, limitMs = 6 * 3_600_000, stepMs = 5_000) {
      const stages: string[] = [];
      runUntil(
        world,
        clock,
        () => {
          const sd = current();
          const stage = String(sd.lifecycleStage);
          if (stages.at(-1) !== stage) stages.push(stage);
          return done(sd);
        },
        limitMs,
        stepMs,
      );
      return stages;
    },
  };
}

/** The hook of `sd` awaiting action, if any. */
export function awaiting(sd: Json): Json | undefined {
  return ((sd.lifecycleHookDetails as Json[] | undefined) ?? []).find((h) => h.status === 'AWAITING_ACTION');
}

/** A PAUSE hook at `stages` with a timeout. */
export function pauseHook(stages: string[], minutes = 60, action = 'ROLLBACK'): Json {
  return { targetType: 'PAUSE', lifecycleStages: stages, timeoutConfiguration: { timeoutInMinutes: minutes, action } };
}

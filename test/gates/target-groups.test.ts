/**
 * Target group resolution for gate queries, against a mocked ELBv2: roles, names and ARNs become the
 * TargetGroup/LoadBalancer dimension values in one DescribeTargetGroups per kind of reference; a missing target
 * group, or one behind no or several load balancers, is an error that names it.
 */
import {
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  ElasticLoadBalancingV2Client,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { PlanError } from '../../src/errors/index.js';
import { resolveGateTargets } from '../../src/gates/target-groups.js';
import type { GateConfig, MetricCheck } from '../../src/model/strategy.js';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const ports = () => createAwsPorts({ region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } });
beforeEach(() => {
  elbv2.reset();
  elbv2.onAnyCommand().rejects(new Error('unexpected ELBv2 call'));
});
afterAll(() => elbv2.restore());

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LB = `${PREFIX}:loadbalancer/app/shop/50dc6c495c0c9188`;
const tg = (name: string, id: string, lbs: string[] = [LB]): TargetGroup => ({
  TargetGroupArn: `${PREFIX}:targetgroup/${name}/${id}`,
  TargetGroupName: name,
  LoadBalancerArns: lbs,
});
const GROUPS = [
  tg('web-stable', '73e2d6bc24d8a067'),
  tg('web-canary', '0a1b2c3d4e5f6071'),
  tg('api', '1111111111111111'),
  tg('lonely', '2222222222222222', []),
];

function serve(groups: TargetGroup[]) {
  elbv2.on(DescribeTargetGroupsCommand).callsFake(async (input: DescribeTargetGroupsCommandInput) => {
    const hits = groups.filter(
      (g) => input.Names?.includes(g.TargetGroupName as string) || input.TargetGroupArns?.includes(g.TargetGroupArn as string),
    );
    const asked = input.Names ?? input.TargetGroupArns ?? [];
    if (hits.length < asked.length) {
      throw Object.assign(new Error('One or more target groups not found'), {
        name: 'TargetGroupNotFoundException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return { TargetGroups: hits };
  });
}

const query = (targetGroup: string) => ({ metric: 'AWS/ApplicationELB RequestCount', targetGroup, stat: 'Sum', periodSeconds: 60 });
const gate = (metrics: MetricCheck[], minRequests?: number): GateConfig => ({
  intervalMs: 60_000,
  metricDelayMs: 60_000,
  failureLimit: 0,
  inconclusiveLimit: 0,
  noData: 'inconclusive',
  alarms: [],
  metrics,
  tasks: [],
  ...(minRequests !== undefined && { minRequests }),
});

describe('resolving the target groups of gate queries', () => {
  it('reads roles, names and ARNs in one DescribeTargetGroups per kind, and gives their dimensions', async () => {
    serve(GROUPS);
    const check: MetricCheck = {
      name: 'all',
      expression: 'a + b + c',
      queries: { a: query('canary'), b: query('api'), c: query(`${PREFIX}:targetgroup/web-stable/73e2d6bc24d8a067`) },
      baseline: { maxRatio: 2 },
    };
    const targets = await resolveGateTargets(
      ports(),
      { canary: 'web-canary', stable: `${PREFIX}:targetgroup/web-stable/73e2d6bc24d8a067` },
      [gate([check])],
      new AbortController().signal,
    );
    expect(Object.fromEntries(targets)).toEqual({
      canary: { targetGroup: 'targetgroup/web-canary/0a1b2c3d4e5f6071', loadBalancer: 'app/shop/50dc6c495c0c9188' },
      api: { targetGroup: 'targetgroup/api/1111111111111111', loadBalancer: 'app/shop/50dc6c495c0c9188' },
      [`${PREFIX}:targetgroup/web-stable/73e2d6bc24d8a067`]: {
        targetGroup: 'targetgroup/web-stable/73e2d6bc24d8a067',
        loadBalancer: 'app/shop/50dc6c495c0c9188',
      },
      stable: { targetGroup: 'targetgroup/web-stable/73e2d6bc24d8a067', loadBalancer: 'app/shop/50dc6c495c0c9188' },
    });
    expect(elbv2.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input)).toEqual([
      { TargetGroupArns: [`${PREFIX}:targetgroup/web-stable/73e2d6bc24d8a067`] },
      { Names: ['web-canary', 'api'] },
    ]);
  });

  it('reads nothing for a gate without metric checks', async () => {
    const targets = await resolveGateTargets(
      ports(),
      { canary: 'web-canary', stable: 'web-stable' },
      [gate([])],
      new AbortController().signal,
    );
    expect(targets.size).toBe(0);
    expect(elbv2.calls()).toHaveLength(0);
  });

  it('names a target group that does not exist', async () => {
    serve(GROUPS);
    const check: MetricCheck = { name: 'x', expression: 'a + b', queries: { a: query('api'), b: query('web-canry') }, max: 1 };
    const error = await resolveGateTargets(
      ports(),
      { canary: 'web-canary', stable: 'web-stable' },
      [gate([check])],
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toBe('target group "web-canry", named by a gate, does not exist in us-east-1');
  });

  it('refuses a target group behind no load balancer, or behind several', async () => {
    serve([...GROUPS, tg('shared', '3333333333333333', [LB, `${PREFIX}:loadbalancer/app/other/60dc6c495c0c9188`])]);
    const signal = new AbortController().signal;
    await expect(
      resolveGateTargets(
        ports(),
        { canary: 'lonely', stable: 'web-stable' },
        [gate([], 10), gate([{ name: 'x', expression: 'a', queries: { a: query('canary') }, max: 1 }])],
        signal,
      ),
    ).rejects.toThrow(
      'the canary target group "lonely" is attached to no load balancer, so it has no per-target-group ALB metrics for the gate to read',
    );
    await expect(
      resolveGateTargets(
        ports(),
        { canary: 'shared', stable: 'web-stable' },
        [gate([{ name: 'x', expression: 'a', queries: { a: query('canary') }, max: 1 }])],
        signal,
      ),
    ).rejects.toThrow(
      'the canary target group "shared" is attached to 2 load balancers (app/shop/50dc6c495c0c9188, app/other/60dc6c495c0c9188): its metrics cannot be told apart by one LoadBalancer dimension',
    );
  });
});

import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { readLiveState } from '../../src/live/read-live-state.js';
import type { BlueGreenStrategy, CanaryStrategy } from '../../src/model/strategy.js';
import { ACCOUNT, describedService, REGION, resolvedManifest, resolvedService, taskDefinitionArn } from './fixtures.js';

const ecs = mockClient(ECSClient);
const codedeploy = mockClient(CodeDeployClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const cloudwatch = mockClient(CloudWatchClient);
const ports = () => createAwsPorts({ region: REGION, env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } });

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'r-1' } });
}

function serveServices(services: Service[]) {
  ecs.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => ({
    services: services.filter((s) => input.services.includes(s.serviceName as string)),
    failures: input.services.filter((n) => !services.some((s) => s.serviceName === n)).map((n) => ({ arn: n, reason: 'MISSING' })),
  }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => ({
    taskDefinition: { taskDefinitionArn: input.taskDefinition, family: 'web', containerDefinitions: [] },
  }));
}

beforeEach(() => {
  for (const m of [ecs, codedeploy, elbv2, cloudwatch]) m.reset();
  ecs.onAnyCommand().rejects(new Error('unexpected ECS call'));
  codedeploy.onAnyCommand().rejects(new Error('unexpected CodeDeploy call'));
  elbv2.onAnyCommand().rejects(new Error('unexpected ELBv2 call'));
  cloudwatch.onAnyCommand().rejects(new Error('unexpected CloudWatch call'));
});
afterAll(() => {
  for (const m of [ecs, codedeploy, elbv2, cloudwatch]) m.restore();
});

const blueGreen = (overrides: Partial<BlueGreenStrategy> = {}): BlueGreenStrategy => ({
  type: 'blue-green',
  application: 'AppECS-main-api',
  deploymentGroup: 'DgpECS-main-api',
  container: { name: 'app', port: 8080 },
  ...overrides,
});

const rule = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/front/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const canary = (overrides: Partial<CanaryStrategy> = {}): CanaryStrategy => ({
  type: 'canary',
  rule,
  stable: { targetGroup: 'web-stable' },
  canary: { service: 'web-canary', targetGroup: 'web-canary', count: 1 },
  steps: [{ weight: 10, pauseMs: 60_000 }],
  gate: {
    intervalMs: 60_000,
    metricDelayMs: 60_000,
    failureLimit: 0,
    inconclusiveLimit: 2,
    noData: 'inconclusive',
    alarms: [],
    metrics: [],
    tasks: [],
  },
  ...overrides,
});

/** A deployment group that can deploy a blue-green service with a test-traffic gate (model/codedeploy-group.ts). */
function groupInfo(ecsServices: { clusterName: string; serviceName: string }[], more: Record<string, unknown> = {}) {
  return {
    deploymentGroupInfo: {
      ecsServices,
      deploymentStyle: { deploymentType: 'BLUE_GREEN' as const, deploymentOption: 'WITH_TRAFFIC_CONTROL' as const },
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: 'api-blue' }, { name: 'api-green' }],
            prodTrafficRoute: { listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/api/1/80'] },
            testTrafficRoute: { listenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/api/1/8080'] },
          },
        ],
      },
      blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT' as const, waitTimeInMinutes: 60 } },
      ...more,
    },
  };
}

describe('preflight', () => {
  it('makes no extra calls for rolling services without alarms', async () => {
    serveServices([describedService('web', 'main', taskDefinitionArn('web'))]);
    const live = await readLiveState(ports(), resolvedManifest([resolvedService('web')]));
    expect(live.preflight).toEqual([]);
    expect(Object.keys(live.calls)).toEqual(['ECS.DescribeServices', 'ECS.DescribeTaskDefinition']);
  });

  describe('for blue-green', () => {
    it('passes when the deployment group exists and deploys this service', async () => {
      serveServices([]);
      codedeploy.on(GetDeploymentGroupCommand).resolves(
        groupInfo([{ clusterName: 'main', serviceName: 'api' }], {
          applicationName: 'AppECS-main-api',
          deploymentGroupName: 'DgpECS-main-api',
          computePlatform: 'ECS',
        }),
      );
      const live = await readLiveState(ports(), resolvedManifest([resolvedService('api', { strategy: blueGreen() })]));
      expect(live.preflight).toEqual([]);
    });

    it('names a missing application, a missing group, and a group that deploys another service', async () => {
      serveServices([]);
      codedeploy
        .on(GetDeploymentGroupCommand, { applicationName: 'NoSuchApp' })
        .rejects(awsError('ApplicationDoesNotExistException', 'The application NoSuchApp does not exist'))
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'NoSuchGroup' })
        .rejects(awsError('DeploymentGroupDoesNotExistException', 'No Deployment Group found for name: NoSuchGroup'))
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'OtherGroup' })
        .resolves(groupInfo([{ clusterName: 'main', serviceName: 'someone-else' }]));
      const live = await readLiveState(
        ports(),
        resolvedManifest([
          resolvedService('a', { strategy: blueGreen({ application: 'NoSuchApp' }) }),
          resolvedService('b', { strategy: blueGreen({ deploymentGroup: 'NoSuchGroup' }) }),
          resolvedService('c', { strategy: blueGreen({ deploymentGroup: 'OtherGroup' }) }),
        ]),
      );
      expect(live.preflight).toEqual([
        { service: 'a', message: `CodeDeploy application "NoSuchApp" does not exist in ${REGION}` },
        { service: 'b', message: 'CodeDeploy deployment group "NoSuchGroup" does not exist in application "AppECS-main-api"' },
        { service: 'c', message: 'CodeDeploy deployment group "OtherGroup" deploys main/someone-else, not main/c' },
      ]);
    });

    it('names what the group cannot honour: no target group pair, no test listener for the gate, no ready wait or one shorter than the hold', async () => {
      serveServices([]);
      const api = [{ clusterName: 'main', serviceName: 'api' }];
      codedeploy
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'NoPair' })
        .resolves(groupInfo(api, { loadBalancerInfo: { targetGroupPairInfoList: [] } }))
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'NoTestListener' })
        .resolves(
          groupInfo(api, {
            loadBalancerInfo: {
              targetGroupPairInfoList: [{ targetGroups: [{ name: 'a' }, { name: 'b' }], prodTrafficRoute: { listenerArns: ['l'] } }],
            },
          }),
        )
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'NoWait' })
        .resolves(
          groupInfo(api, { blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' } } }),
        )
        .on(GetDeploymentGroupCommand, { deploymentGroupName: 'ShortWait' })
        .resolves(
          groupInfo(api, {
            blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 5 } },
          }),
        );
      const gate = { ...canary().gate, alarms: [], holdMs: 10 * 60_000 };
      const service = (group: string, testTrafficGate?: typeof gate) =>
        resolvedService('api', { strategy: blueGreen({ deploymentGroup: group, ...(testTrafficGate ? { testTrafficGate } : {}) }) });
      const messages = async (group: string, testTrafficGate?: typeof gate) =>
        (await readLiveState(ports(), resolvedManifest([service(group, testTrafficGate)]))).preflight.map((p) => p.message);
      expect(await messages('NoPair')).toEqual([
        'CodeDeploy deployment group "NoPair" names 0 target group(s); blue-green needs a pair (targetGroupPairInfoList)',
      ]);
      // Without a gate, neither the test listener nor the ready wait matters.
      expect(await messages('NoTestListener')).toEqual([]);
      expect(await messages('NoWait')).toEqual([]);
      expect(await messages('NoTestListener', gate)).toEqual([expect.stringContaining('has no test listener (testTrafficRoute)')]);
      expect(await messages('NoWait', gate)).toEqual([
        expect.stringContaining('reroutes production traffic without waiting (deploymentReadyOption CONTINUE_DEPLOYMENT)'),
      ]);
      expect(await messages('ShortWait', gate)).toEqual([
        expect.stringContaining(
          'waits 5 minute(s) before it stops an unapproved deployment, not longer than testTrafficGate holds (10 minute(s))',
        ),
      ]);
    });

    it('looks up a deployment group shared by two services once', async () => {
      serveServices([]);
      codedeploy.on(GetDeploymentGroupCommand).resolves(groupInfo([{ clusterName: 'main', serviceName: 'a' }]));
      await readLiveState(
        ports(),
        resolvedManifest([resolvedService('a', { strategy: blueGreen() }), resolvedService('b', { strategy: blueGreen() })]),
      );
      expect(codedeploy.commandCalls(GetDeploymentGroupCommand)).toHaveLength(1);
    });
  });

  describe('for canary', () => {
    it('passes when the rule, both target groups and the canary service exist, describing them in batches', async () => {
      serveServices([
        describedService('web', 'main', taskDefinitionArn('web')),
        describedService('web-canary', 'main', taskDefinitionArn('web')),
      ]);
      elbv2.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: rule }] });
      elbv2
        .on(DescribeTargetGroupsCommand)
        .resolves({ TargetGroups: [{ TargetGroupName: 'web-stable' }, { TargetGroupName: 'web-canary' }] });
      const live = await readLiveState(ports(), resolvedManifest([resolvedService('web', { strategy: canary() })]));
      expect(live.preflight).toEqual([]);
      // The canary service rides along in the same DescribeServices batch as the main one.
      expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
      expect(elbv2.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input)).toEqual([
        { Names: ['web-stable', 'web-canary'] },
      ]);
    });

    it('names the missing rule, the missing target group and the missing canary service', async () => {
      serveServices([describedService('web', 'main', taskDefinitionArn('web'))]);
      elbv2.on(DescribeRulesCommand).rejects(awsError('RuleNotFoundException', 'One or more rules not found'));
      elbv2
        .on(DescribeTargetGroupsCommand, { Names: ['web-stable', 'web-canary'] })
        .rejects(awsError('TargetGroupNotFoundException', 'One or more target groups not found'))
        .on(DescribeTargetGroupsCommand, { Names: ['web-stable'] })
        .resolves({ TargetGroups: [{ TargetGroupName: 'web-stable' }] })
        .on(DescribeTargetGroupsCommand, { Names: ['web-canary'] })
        .rejects(awsError('TargetGroupNotFoundException', 'One or more target groups not found'));
      const live = await readLiveState(ports(), resolvedManifest([resolvedService('web', { strategy: canary() })]));
      expect(live.preflight).toEqual([
        { service: 'web', message: `listener rule ${rule} does not exist` },
        { service: 'web', message: `canary target group "web-canary" does not exist in ${REGION}` },
        { service: 'web', message: 'canary ECS service "web-canary" does not exist in cluster "main"' },
      ]);
    });

    it('checks the listener when the strategy weights a listener instead of a rule', async () => {
      const listener = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/front/50dc6c495c0c9188/f2f7dc8efc522ab2`;
      serveServices([
        describedService('web', 'main', taskDefinitionArn('web')),
        describedService('web-canary', 'main', taskDefinitionArn('web')),
      ]);
      elbv2.on(DescribeListenersCommand).rejects(awsError('ListenerNotFoundException', 'One or more listeners not found'));
      elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
      const live = await readLiveState(
        ports(),
        resolvedManifest([resolvedService('web', { strategy: canary({ rule: undefined, listener }) })]),
      );
      expect(live.preflight).toEqual([{ service: 'web', message: `listener ${listener} does not exist` }]);
    });
  });

  describe('for alarms', () => {
    it('asks for metric and composite alarms together and names each missing one with where it is used', async () => {
      serveServices([
        describedService('web', 'main', taskDefinitionArn('web')),
        describedService('web-canary', 'main', taskDefinitionArn('web')),
      ]);
      elbv2.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: rule }] });
      elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
      cloudwatch.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [{ AlarmName: 'web-5xx' }],
        CompositeAlarms: [{ AlarmName: 'web-health' }],
      });
      const live = await readLiveState(
        ports(),
        resolvedManifest([
          resolvedService('web', {
            deployment: { alarms: { alarmNames: ['web-health', 'web-latency'], enable: true, rollback: true } },
            strategy: canary({ gate: { ...canary().gate, alarms: ['web-5xx'] } }),
          }),
        ]),
      );
      expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
        { AlarmNames: ['web-health', 'web-latency', 'web-5xx'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 },
      ]);
      expect(live.preflight).toEqual([
        { service: 'web', message: `CloudWatch alarm "web-latency" (named in deployment.alarms) does not exist in ${REGION}` },
      ]);
    });

    it('names a missing alarm of a canary gate or a test-traffic gate, and finds composite ones', async () => {
      serveServices([
        describedService('web', 'main', taskDefinitionArn('web')),
        describedService('web-canary', 'main', taskDefinitionArn('web')),
      ]);
      elbv2.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: rule }] });
      elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
      codedeploy.on(GetDeploymentGroupCommand).resolves(groupInfo([{ clusterName: 'main', serviceName: 'api' }]));
      cloudwatch.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [{ AlarmName: 'api-green-5xx' }],
        CompositeAlarms: [{ AlarmName: 'web-health' }],
      });
      const gate = { ...canary().gate, alarms: ['web-health', 'web-canary-p99'] };
      const testTrafficGate = { ...gate, alarms: ['api-green-5xx', 'api-green-health'], holdMs: 300_000 };
      const live = await readLiveState(
        ports(),
        resolvedManifest([
          resolvedService('web', { strategy: canary({ gate }) }),
          resolvedService('api', { strategy: blueGreen({ testTrafficGate }) }),
        ]),
      );
      expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmTypes)).toEqual([
        ['MetricAlarm', 'CompositeAlarm'],
      ]);
      expect(live.preflight).toEqual([
        { service: 'web', message: `CloudWatch alarm "web-canary-p99" (named in strategy.gate.alarms) does not exist in ${REGION}` },
        {
          service: 'api',
          message: `CloudWatch alarm "api-green-health" (named in strategy.testTrafficGate.alarms) does not exist in ${REGION}`,
        },
      ]);
    });
  });
});

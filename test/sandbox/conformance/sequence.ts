/**
 * The call sequence the conformance suite sends, through real SDK clients, to the sandbox and to moto: the
 * resources ecsdeploy creates and reads, with minimal input so the defaults each side fills in are visible.
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CodeDeployClient, CreateApplicationCommand } from '@aws-sdk/client-codedeploy';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';

export interface ClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoint?: string;
  requestHandler?: unknown;
}

export interface Network {
  vpcId: string;
  subnets: [string, string];
}

/** Step name → the response without `$metadata`. */
export type Responses = Record<string, Record<string, unknown>>;

function strip(output: object): Record<string, unknown> {
  const { $metadata, ...rest } = output as Record<string, unknown>;
  void $metadata;
  return rest;
}

export async function runSequence(config: ClientConfig, network: Network): Promise<Responses> {
  // The SDK types requestHandler precisely; both sides pass something it accepts.
  const cfg = config as never;
  const ecs = new ECSClient(cfg);
  const elb = new ElasticLoadBalancingV2Client(cfg);
  const cw = new CloudWatchClient(cfg);
  const events = new EventBridgeClient(cfg);
  const out: Responses = {};

  out.CreateCluster = strip(await ecs.send(new CreateClusterCommand({ clusterName: 'conformance' })));
  out.DescribeClusters = strip(await ecs.send(new DescribeClustersCommand({ clusters: ['conformance'] })));
  out.RegisterTaskDefinition = strip(
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 256 }],
      }),
    ),
  );
  out.RegisterTaskDefinitionFargate = strip(
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'api', image: 'example/api:2', portMappings: [{ containerPort: 8080 }] }],
      }),
    ),
  );
  out.DescribeTaskDefinition = strip(await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' })));

  const tg = strip(
    await elb.send(
      new CreateTargetGroupCommand({ Name: 'conformance-tg', Protocol: 'HTTP', Port: 8080, VpcId: network.vpcId, TargetType: 'ip' }),
    ),
  );
  out.CreateTargetGroup = tg;
  const tgArn = (tg.TargetGroups as { TargetGroupArn: string }[])[0]?.TargetGroupArn as string;
  const lb = strip(await elb.send(new CreateLoadBalancerCommand({ Name: 'conformance-lb', Subnets: network.subnets })));
  out.CreateLoadBalancer = lb;
  const lbArn = (lb.LoadBalancers as { LoadBalancerArn: string }[])[0]?.LoadBalancerArn as string;
  const listener = strip(
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    ),
  );
  out.CreateListener = listener;
  const listenerArn = (listener.Listeners as { ListenerArn: string }[])[0]?.ListenerArn as string;
  out.CreateRule = strip(
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 100 }] } }],
      }),
    ),
  );
  out.DescribeTargetGroups = strip(await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tgArn] })));
  out.DescribeLoadBalancers = strip(await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lbArn] })));
  out.DescribeListeners = strip(await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })));
  out.DescribeRules = strip(await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn })));

  out.CreateService = strip(
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'conformance',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 1,
      }),
    ),
  );
  out.DescribeServices = strip(await ecs.send(new DescribeServicesCommand({ cluster: 'conformance', services: ['web'] })));

  out.PutMetricAlarm = strip(
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ),
  );
  out.DescribeAlarms = strip(await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] })));

  out.PutRule = strip(await events.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' })));
  const clusterArn = (out.CreateCluster.cluster as { clusterArn?: string } | undefined)?.clusterArn;
  const tdArn = (out.RegisterTaskDefinition.taskDefinition as { taskDefinitionArn?: string } | undefined)?.taskDefinitionArn;
  out.PutTargets = strip(
    await events.send(
      new PutTargetsCommand({
        Rule: 'nightly',
        Targets: [
          {
            Id: 'web-nightly',
            Arn: clusterArn,
            RoleArn: 'arn:aws:iam::123456789012:role/ecsEventsRole',
            EcsParameters: { TaskDefinitionArn: tdArn, TaskCount: 1 },
          },
        ],
      }),
    ),
  );
  out.DescribeRule = strip(await events.send(new DescribeRuleCommand({ Name: 'nightly' })));
  out.ListTargetsByRule = strip(await events.send(new ListTargetsByRuleCommand({ Rule: 'nightly' })));

  const sns = new SNSClient(cfg);
  out.CreateTopic = strip(
    await sns.send(new CreateTopicCommand({ Name: 'deploys', Attributes: { DisplayName: 'Deploys & <rollbacks>' } })),
  );
  out.ListTopics = strip(await sns.send(new ListTopicsCommand({})));

  const codedeploy = new CodeDeployClient(cfg);
  out.CreateApplication = strip(await codedeploy.send(new CreateApplicationCommand({ applicationName: 'web', computePlatform: 'ECS' })));
  // Not GetApplication: moto answers createTime as an ISO string where AWS (and the SDK) use epoch seconds, so the
  // SDK cannot read moto's answer at all.
  return out;
}

/** Every key path in a value, e.g. `services[].deployments[].rolloutState`; list items merge under `[]`. */
export function shapeOf(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item, `${path}[]`);
      return;
    }
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined) continue;
        const p = path ? `${path}.${k}` : k;
        out.add(p);
        walk(child, p);
      }
    }
  };
  walk(value, prefix);
  return out;
}

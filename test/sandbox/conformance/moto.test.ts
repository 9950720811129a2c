/**
 * The sandbox against an emulator no one here wrote: the same calls, through real SDK clients, to both; then the
 * response SHAPES (every key path) and the defaults filled in on describe are compared. A difference is a sandbox
 * bug unless moto is known to be wrong there (MOTO_DIFFERS, each with its reason) or it is a known sandbox gap
 * (SANDBOX_GAPS: reported to the world's owner; once fixed, an entry is dead weight and should be removed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoAvailable, startMoto } from '../../_helpers/moto.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';
import { motoNetwork } from './moto-network.js';
import { type Responses, runSequence, shapeOf } from './sequence.js';

const MOTO_OMITS = 'AWS returns it (API reference, DescribeX output); moto does not model it';

/** `Step:path` → why moto's answer is not what AWS sends (so the difference is not a sandbox bug). */
const MOTO_DIFFERS: Record<string, string> = {
  'CreateService:service.deployments[].platformFamily': 'moto reports platformFamily on an EC2 deployment; AWS only on Fargate',
  'DescribeServices:services[].deployments[].platformFamily': 'moto reports platformFamily on an EC2 deployment; AWS only on Fargate',
  'CreateCluster:cluster.statistics': MOTO_OMITS,
  'CreateCluster:cluster.capacityProviders': MOTO_OMITS,
  'CreateCluster:cluster.defaultCapacityProviderStrategy': MOTO_OMITS,
  'DescribeClusters:clusters[].statistics': MOTO_OMITS,
  'DescribeClusters:clusters[].capacityProviders': MOTO_OMITS,
  'DescribeClusters:clusters[].defaultCapacityProviderStrategy': MOTO_OMITS,
  ...Object.fromEntries(
    ['RegisterTaskDefinition', 'RegisterTaskDefinitionFargate', 'DescribeTaskDefinition'].flatMap((step) => [
      [`${step}:taskDefinition.containerDefinitions[].systemControls`, MOTO_OMITS],
      [`${step}:taskDefinition.requiresAttributes`, `${MOTO_OMITS} (the capabilities the definition needs)`],
      [`${step}:taskDefinition.requiresAttributes[].name`, MOTO_OMITS],
      [`${step}:taskDefinition.registeredAt`, MOTO_OMITS],
      [`${step}:taskDefinition.registeredBy`, MOTO_OMITS],
    ]),
  ),
  'RegisterTaskDefinitionFargate:taskDefinition.containerDefinitions[].portMappings[].hostPort':
    'with awsvpc AWS fills hostPort = containerPort; moto leaves it out',
  'RegisterTaskDefinitionFargate:taskDefinition.containerDefinitions[].portMappings[].protocol':
    'AWS fills protocol tcp; moto leaves it out',
  'RegisterTaskDefinitionFargate:taskDefinition.containerDefinitions.0.portMappings.0.protocol':
    'AWS fills protocol tcp; moto leaves it out',
  'RegisterTaskDefinitionFargate:taskDefinition.containerDefinitions.0.portMappings.0.hostPort':
    'with awsvpc AWS fills hostPort = containerPort; moto leaves it out',
  'CreateTargetGroup:TargetGroups[].LoadBalancerArns': 'AWS returns an empty LoadBalancerArns on create; moto omits it',
  'CreateLoadBalancer:LoadBalancers[].Scheme': 'AWS returns the default scheme internet-facing; moto omits it',
  'DescribeLoadBalancers:LoadBalancers[].Scheme': 'AWS returns the default scheme internet-facing; moto omits it',
  ...Object.fromEntries(
    ['CreateListener', 'DescribeListeners'].flatMap((step) => [
      [`${step}:Listeners[].SslPolicy`, 'moto sets an SSL policy on a plain HTTP listener; AWS only has one on HTTPS/TLS'],
      [`${step}:Listeners[].AlpnPolicy`, 'moto returns AlpnPolicy on an HTTP listener; AWS only on TLS listeners'],
      ...[
        '',
        '.TargetGroups',
        '.TargetGroups[].TargetGroupArn',
        '.TargetGroups[].Weight',
        '.TargetGroupStickinessConfig',
        '.TargetGroupStickinessConfig.Enabled',
      ].map((rest) => [
        `${step}:Listeners[].DefaultActions[].ForwardConfig${rest}`,
        'AWS answers a forward given as TargetGroupArn with the equivalent ForwardConfig too (weight 1); moto does not',
      ]),
    ]),
  ),
  'CreateRule:Rules[].Actions[].TargetGroupArn':
    'AWS answers a ForwardConfig with a single target group with its TargetGroupArn too; moto does not',
  'CreateService:service.taskSets': 'AWS lists task sets only for EXTERNAL/CODE_DEPLOY controllers; moto always adds []',
  'DescribeServices:services[].taskSets': 'AWS lists task sets only for EXTERNAL/CODE_DEPLOY controllers; moto always adds []',
  'CreateService:service.networkConfiguration': 'moto returns {} for a service without awsvpc; AWS omits it',
  'DescribeServices:services[].networkConfiguration': 'moto returns {} for a service without awsvpc; AWS omits it',
  'CreateService:service.tags': 'moto returns tags: [] when none were given; AWS omits them',
  ...Object.fromEntries(
    ['CreateService:service', 'DescribeServices:services[]'].flatMap((at) =>
      [
        '.deploymentConfiguration',
        '.deploymentConfiguration.deploymentCircuitBreaker',
        '.deploymentConfiguration.deploymentCircuitBreaker.enable',
        '.deploymentConfiguration.deploymentCircuitBreaker.rollback',
        '.deploymentConfiguration.maximumPercent',
        '.deploymentConfiguration.minimumHealthyPercent',
        '.deploymentConfiguration.strategy',
        '.createdAt',
        '.createdBy',
        '.currentServiceDeployment',
        '.currentServiceRevisions',
        '.currentServiceRevisions[].arn',
        '.currentServiceRevisions[].requestedTaskCount',
        '.currentServiceRevisions[].runningTaskCount',
        '.currentServiceRevisions[].pendingTaskCount',
        '.placementConstraints',
        '.placementStrategy',
        '.enableECSManagedTags',
        '.enableExecuteCommand',
        '.availabilityZoneRebalancing',
      ].map((rest) => [`${at}${rest}`, MOTO_OMITS]),
    ),
  ),
  'DescribeServices:services[].events[].id': 'moto starts no tasks, so it has no service events; AWS (and the sandbox) do',
  'DescribeServices:services[].events[].createdAt': 'moto starts no tasks, so it has no service events',
  'DescribeServices:services[].events[].message': 'moto starts no tasks, so it has no service events',
  'DescribeAlarms:MetricAlarms[].StateReasonData': 'moto returns "{}" for a new alarm; AWS has no reason data before the first evaluation',
  'DescribeAlarms:MetricAlarms[].Metrics':
    'moto returns Metrics: [] for a single-metric alarm; AWS only returns Metrics for metric-math alarms',
  'DescribeAlarms:MetricAlarms[].StateTransitionedTimestamp': 'AWS returns it (aws-semantics §4.1); moto does not model it',
  'DescribeAlarms:MetricAlarms.0.StateValue': 'moto starts alarms in OK; AWS starts them INSUFFICIENT_DATA until evaluated',
};

/**
 * `Step:path` → a sandbox difference from AWS, reported to the world's owner (src/sandbox/world/). Not asserted
 * to persist: the world is fixed in its own files and its own time, and that must not break this suite.
 */
const SANDBOX_GAPS: Record<string, string> = {};

/** Defaults AWS fills in on describe, read at a path on both sides and expected equal (and to this value). */
const DEFAULTS: [step: string, path: string, expected: unknown][] = [
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.cpu', 0],
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.essential', true],
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.portMappings', []],
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.environment', []],
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.mountPoints', []],
  ['RegisterTaskDefinition', 'taskDefinition.containerDefinitions.0.volumesFrom', []],
  ['RegisterTaskDefinition', 'taskDefinition.volumes', []],
  ['RegisterTaskDefinition', 'taskDefinition.placementConstraints', []],
  ['RegisterTaskDefinition', 'taskDefinition.revision', 1],
  ['RegisterTaskDefinition', 'taskDefinition.status', 'ACTIVE'],
  ['DescribeTaskDefinition', 'taskDefinition.containerDefinitions.0.cpu', 0],
  ['DescribeTaskDefinition', 'taskDefinition.containerDefinitions.0.essential', true],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.networkMode', 'awsvpc'],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.containerDefinitions.0.portMappings.0.containerPort', 8080],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.requiresCompatibilities', ['FARGATE']],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.cpu', '256'],
  ['CreateCluster', 'cluster.status', 'ACTIVE'],
  ['CreateCluster', 'cluster.activeServicesCount', 0],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthCheckPath', '/'],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthCheckPort', 'traffic-port'],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthCheckProtocol', 'HTTP'],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthCheckIntervalSeconds', 30],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthCheckTimeoutSeconds', 5],
  ['DescribeTargetGroups', 'TargetGroups.0.HealthyThresholdCount', 5],
  ['DescribeTargetGroups', 'TargetGroups.0.UnhealthyThresholdCount', 2],
  ['DescribeTargetGroups', 'TargetGroups.0.Matcher', { HttpCode: '200' }],
  ['DescribeTargetGroups', 'TargetGroups.0.TargetType', 'ip'],
  ['DescribeTargetGroups', 'TargetGroups.0.ProtocolVersion', 'HTTP1'],
  ['DescribeLoadBalancers', 'LoadBalancers.0.Type', 'application'],
  ['DescribeLoadBalancers', 'LoadBalancers.0.IpAddressType', 'ipv4'],
  ['DescribeListeners', 'Listeners.0.Port', 80],
  ['DescribeListeners', 'Listeners.0.DefaultActions.0.Type', 'forward'],
  ['DescribeRules', 'Rules.0.Priority', '10'],
  ['DescribeRules', 'Rules.0.IsDefault', false],
  ['DescribeRules', 'Rules.0.Actions.0.ForwardConfig.TargetGroups.0.Weight', 100],
  ['DescribeRules', 'Rules.1.Priority', 'default'],
  ['DescribeRules', 'Rules.1.IsDefault', true],
  ['DescribeServices', 'services.0.status', 'ACTIVE'],
  ['DescribeServices', 'services.0.desiredCount', 1],
  ['DescribeServices', 'services.0.launchType', 'EC2'],
  ['DescribeServices', 'services.0.schedulingStrategy', 'REPLICA'],
  ['DescribeServices', 'services.0.deploymentController', { type: 'ECS' }],
  ['DescribeServices', 'services.0.loadBalancers', []],
  ['DescribeServices', 'services.0.serviceRegistries', []],
  ['DescribeServices', 'services.0.propagateTags', 'NONE'],
  ['DescribeServices', 'services.0.deployments.0.status', 'PRIMARY'],
  ['DescribeServices', 'services.0.deployments.0.rolloutState', 'IN_PROGRESS'],
  ['DescribeAlarms', 'MetricAlarms.0.ActionsEnabled', true],
  ['DescribeAlarms', 'MetricAlarms.0.OKActions', []],
  ['DescribeAlarms', 'MetricAlarms.0.AlarmActions', []],
  ['DescribeAlarms', 'MetricAlarms.0.Dimensions', []],
  ['DescribeAlarms', 'MetricAlarms.0.Period', 60],
  ['DescribeAlarms', 'MetricAlarms.0.StateValue', 'INSUFFICIENT_DATA'],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.containerDefinitions.0.portMappings.0.protocol', 'tcp'],
  ['RegisterTaskDefinitionFargate', 'taskDefinition.containerDefinitions.0.portMappings.0.hostPort', 8080],
  ['DescribeRule', 'State', 'ENABLED'],
  ['DescribeRule', 'EventBusName', 'default'],
  ['ListTargetsByRule', 'Targets.0.EcsParameters.TaskCount', 1],
  ['PutTargets', 'FailedEntryCount', 0],
];

function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const run = motoAvailable();
if (!run) {
  // Visible in the test output: CI sets ECSDEPLOY_REQUIRE_MOTO=1, so there a missing moto fails instead.
  console.warn('conformance: moto_server is not installed; skipping (pip install "moto[server]")');
}

describe.skipIf(!run)('the sandbox answers like moto (shapes and describe defaults)', () => {
  let moto: MotoServer;
  let fromMoto: Responses;
  let fromSandbox: Responses;

  beforeAll(async () => {
    moto = await startMoto();
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    fromMoto = await runSequence({ region: 'us-east-1', credentials, endpoint: moto.endpoint }, await motoNetwork(moto.endpoint));
    const sb = startInProcessSandbox({ region: 'us-east-1' });
    fromSandbox = await runSequence(sb.sdkConfig(), { vpcId: 'vpc-0c0nf0rmance', subnets: ['subnet-0aaaa1111', 'subnet-0bbbb2222'] });
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  const steps = [
    'CreateCluster',
    'DescribeClusters',
    'RegisterTaskDefinition',
    'RegisterTaskDefinitionFargate',
    'DescribeTaskDefinition',
    'CreateTargetGroup',
    'CreateLoadBalancer',
    'CreateListener',
    'CreateRule',
    'DescribeTargetGroups',
    'DescribeLoadBalancers',
    'DescribeListeners',
    'DescribeRules',
    'CreateService',
    'DescribeServices',
    'PutMetricAlarm',
    'DescribeAlarms',
    'PutRule',
    'PutTargets',
    'DescribeRule',
    'ListTargetsByRule',
    'CreateTopic',
    'ListTopics',
    'CreateApplication',
  ];

  it.each(steps)('%s returns the same key paths from both, apart from listed and explained differences', (step) => {
    const sandbox = shapeOf(fromSandbox[step]);
    const other = shapeOf(fromMoto[step]);
    const differing = [
      ...[...other].filter((p) => !sandbox.has(p)).map((p) => `${step}:${p} (missing in the sandbox)`),
      ...[...sandbox].filter((p) => !other.has(p)).map((p) => `${step}:${p} (only in the sandbox)`),
    ];
    const key = (d: string) => d.slice(0, d.indexOf(' ('));
    const unexplained = differing.filter((d) => !(key(d) in MOTO_DIFFERS) && !(key(d) in SANDBOX_GAPS));
    expect(unexplained).toEqual([]);
  });

  it('lists only moto differences that still occur, so the allow-list hides nothing after a moto upgrade', () => {
    const occurring = new Set<string>();
    for (const step of steps) {
      const a = shapeOf(fromSandbox[step]);
      const b = shapeOf(fromMoto[step]);
      for (const p of a) if (!b.has(p)) occurring.add(`${step}:${p}`);
      for (const p of b) if (!a.has(p)) occurring.add(`${step}:${p}`);
    }
    // Keys with a list index (`.0.`) are value checks for DEFAULTS, not key paths.
    const listed = Object.keys(MOTO_DIFFERS).filter((k) => !/\.\d+(\.|$)/.test(k));
    expect(listed.filter((k) => !occurring.has(k))).toEqual([]);
  });

  it.each(DEFAULTS)('%s fills in %s as AWS does', (step, path, expected) => {
    const key = `${step}:${path}`;
    const sandboxValue = at(fromSandbox[step], path);
    if (key in MOTO_DIFFERS) {
      expect(sandboxValue).toEqual(expected);
      return;
    }
    if (key in SANDBOX_GAPS) {
      expect(at(fromMoto[step], path)).toEqual(expected);
      return;
    }
    expect({ sandbox: sandboxValue, moto: at(fromMoto[step], path) }).toEqual({ sandbox: expected, moto: expected });
  });
});

/**
 * Seeding: creates everything a manifest refers to, running a *previous* revision of each service, settled, so
 * that a plan of the same manifest shows only the image changes. Everything is created through `dispatch` (the same
 * paths the API takes), except what must carry an ARN the manifest names (load balancer, listener, rule, target
 * group, topic), which is created with exactly that ARN.
 */
import type { ResolvedManifest, ResolvedService, ResolvedTask, TaskDefinitionSpec } from '../../model/manifest.js';
import { type BlueGreenStrategy, type CanaryStrategy, type EcsNativeStrategy, isEcsNative } from '../../model/strategy.js';
import { applyOverrides, splitImage } from '../../model/overrides.js';
import type { ContainerDefinition, TaskDefinitionInput } from '../../model/task-definition.js';
import type { WorldContext } from './context.js';
import { BUILT_IN_CAPACITY_PROVIDERS } from './ecs/launch.js';
import { settleService } from './ecs/scheduler.js';
import {
  createListenerState,
  createLoadBalancerState,
  createRuleState,
  createTargetGroupState,
  normalizeActions,
  targetGroupInUse,
} from './elbv2/index.js';
import { transition } from './cloudwatch/alarms.js';
import { isRecord } from './input.js';
import { findGroup } from './logs/store.js';
import { createTopicState } from './sns.js';
import type { JsonObject, TargetGroupState } from './types.js';
import { SandboxWorld, type World } from './world.js';

export interface SeedOptions {
  /** Tag the seeded (previous) revision's images carry; default `previous`. */
  previousTag?: string;
}

const DEFAULT_DESIRED = 2;
const SANDBOX_NETWORK = {
  awsvpcConfiguration: { subnets: ['subnet-0sandbox0000000001'], securityGroups: ['sg-0sandbox000000001'], assignPublicIp: 'DISABLED' },
};
/** Seeded target groups check fast so a seeded world settles quickly; CreateTargetGroup keeps AWS's defaults. */
const SEEDED_HEALTH = { HealthCheckIntervalSeconds: '10', HealthyThresholdCount: '2', UnhealthyThresholdCount: '2' };
const SEEDED_DEREGISTRATION_DELAY = 30;

function retag(image: string, tag: string): string {
  const { repository } = splitImage(image);
  return `${repository}:${tag}`;
}

function context(world: World): WorldContext {
  if (!(world instanceof SandboxWorld)) throw new TypeError('seedFromManifest needs a world made by createWorld or loadWorld');
  return world.context;
}

/** The previous revision: the manifest's task definition with its images at `tag` (`family` for fromLive ones). */
function previousTaskDefinition(s: TaskDefinitionSpec, family: string, tag: string): TaskDefinitionInput {
  let base: TaskDefinitionInput;
  if (s.taskDefinition.kind === 'declared') {
    base = JSON.parse(JSON.stringify(s.taskDefinition.input)) as TaskDefinitionInput;
  } else {
    // fromLive: a minimal Fargate definition running the manifest's images.
    base = {
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: Object.entries(s.images).map(([name, image], i) => ({
        name,
        image,
        essential: i === 0,
        portMappings: i === 0 ? [{ containerPort: 8080, protocol: 'tcp' }] : [],
      })),
    };
  }
  const { taskDefinition } = applyOverrides(base, s);
  // Only the images the manifest sets move to the previous tag (sidecars keep theirs, so they plan clean).
  const named = new Set(Object.keys(s.images));
  const repos = new Set(s.repositoryImages.map((r) => r.repository));
  const all = named.size === 0 && repos.size === 0;
  taskDefinition.containerDefinitions = taskDefinition.containerDefinitions.map((c: ContainerDefinition) => {
    const image = typeof c.image === 'string' ? c.image : undefined;
    if (!image) return c;
    const hit = all || named.has(c.name) || repos.has(splitImage(image).repository);
    return hit ? { ...c, image: retag(image, tag) } : c;
  });
  return taskDefinition;
}

function ensureTargetGroup(w: WorldContext, ref: string, port: number): TargetGroupState {
  if (ref.startsWith('arn:')) {
    const existing = w.st.elbv2.targetGroups[ref];
    if (existing) return existing;
    const name = ref.split(':targetgroup/')[1]?.split('/')[0] ?? 'tg';
    const tg = createTargetGroupState(w, { Name: name, Protocol: 'HTTP', Port: String(port), TargetType: 'ip', ...SEEDED_HEALTH }, ref);
    tg.deregistrationDelaySeconds = SEEDED_DEREGISTRATION_DELAY;
    return tg;
  }
  const byName = Object.values(w.st.elbv2.targetGroups).find((t) => t.name === ref);
  if (byName) return byName;
  const tg = createTargetGroupState(w, { Name: ref, Protocol: 'HTTP', Port: String(port), TargetType: 'ip', ...SEEDED_HEALTH });
  tg.deregistrationDelaySeconds = SEEDED_DEREGISTRATION_DELAY;
  return tg;
}

/** `...:listener-rule/app/NAME/LB/LISTENER/RULE` or `...:listener/app/NAME/LB/LISTENER` → the ARNs above it. */
function parseElbArn(arn: string): { lbArn: string; lbName: string; listenerArn: string } {
  const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener(?:-rule)?\/(app|net)\/([^/]+)\/([^/]+)\/([^/]+)/.exec(arn);
  if (!m) throw new TypeError(`not a listener or listener rule ARN: ${arn}`);
  const [, prefix, kind, name, lbId, listenerId] = m as unknown as [string, string, string, string, string, string];
  return {
    lbArn: `${prefix}loadbalancer/${kind}/${name}/${lbId}`,
    lbName: name,
    listenerArn: `${prefix}listener/${kind}/${name}/${lbId}/${listenerId}`,
  };
}

function forward(w: WorldContext, weights: { arn: string; weight: number }[]): JsonObject[] {
  return normalizeActions(w, [
    { Type: 'forward', ForwardConfig: { TargetGroups: weights.map((x) => ({ TargetGroupArn: x.arn, Weight: x.weight })) } },
  ]);
}

function firstPort(td: TaskDefinitionInput): { container: string; port: number } {
  for (const c of td.containerDefinitions) {
    const pm = Array.isArray(c.portMappings) ? c.portMappings[0] : undefined;
    if (isRecord(pm) && typeof pm.containerPort === 'number') return { container: c.name, port: pm.containerPort };
  }
  return { container: td.containerDefinitions[0]?.name ?? 'app', port: 80 };
}

/** Alarms named by a strategy, watching sensible metrics of the right target group. */
interface AlarmWanted {
  name: string;
  tg?: TargetGroupState;
  lbArn?: string;
  cluster: string;
  service: string;
}

function putAlarm(world: World, w: WorldContext, a: AlarmWanted): void {
  if (w.st.cloudwatch.alarms[a.name]) return;
  const latency = /p9\d|latency|duration|slow|response/i.test(a.name);
  let metric: Record<string, unknown>;
  if (a.tg && a.lbArn) {
    const dims = [
      { Name: 'TargetGroup', Value: a.tg.arn.slice(a.tg.arn.indexOf('targetgroup/')) },
      { Name: 'LoadBalancer', Value: a.lbArn.slice(a.lbArn.indexOf('loadbalancer/') + 'loadbalancer/'.length) },
    ];
    metric = latency
      ? { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: dims, ExtendedStatistic: 'p99', Threshold: 0.5 }
      : { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: dims, Statistic: 'Sum', Threshold: 0 };
  } else {
    metric = {
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: a.cluster },
        { Name: 'ServiceName', Value: a.service },
      ],
      Statistic: 'Average',
      Threshold: 90,
    };
  }
  world.dispatch('cloudwatch', 'PutMetricAlarm', {
    AlarmName: a.name,
    AlarmDescription: 'Seeded by the ecsdeploy sandbox',
    ActionsEnabled: false,
    Period: 60,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    ...metric,
  });
  const alarm = w.st.cloudwatch.alarms[a.name];
  if (alarm) transition(w, alarm, 'OK', 'Seeded in the OK state by the ecsdeploy sandbox.');
}

export function seedFromManifest(world: World, manifest: ResolvedManifest, options: SeedOptions = {}): void {
  const w = context(world);
  const tag = options.previousTag ?? 'previous';
  const tdArnByKey = new Map<string, string>();
  const networkByKey = new Map<string, JsonObject>();
  const alarms: AlarmWanted[] = [];
  const providers = capacityProvidersByCluster(manifest);
  for (const s of manifest.services) {
    const capacityProviders = providers.get(s.cluster) ?? [];
    world.dispatch('ecs', 'CreateCluster', { clusterName: s.cluster, ...(capacityProviders.length ? { capacityProviders } : {}) });
    const td = previousTaskDefinition(s, s.service, tag);
    ensureLogGroups(world, w, td);
    const registered = world.dispatch('ecs', 'RegisterTaskDefinition', td as unknown as Record<string, unknown>);
    const tdArn = String((registered.taskDefinition as Record<string, unknown>).taskDefinitionArn);
    tdArnByKey.set(s.key, tdArn);
    const settings: Record<string, unknown> = JSON.parse(JSON.stringify(s.settings)) as Record<string, unknown>;
    const tags = settings.tags;
    delete settings.tags;
    const network =
      (settings.networkConfiguration as JsonObject | undefined) ?? (td.networkMode === 'awsvpc' ? SANDBOX_NETWORK : undefined);
    if (network) {
      settings.networkConfiguration = network;
      networkByKey.set(s.key, network);
    }
    const dc: Record<string, unknown> = {};
    if (s.deployment.minimumHealthyPercent !== undefined) dc.minimumHealthyPercent = s.deployment.minimumHealthyPercent;
    if (s.deployment.maximumPercent !== undefined) dc.maximumPercent = s.deployment.maximumPercent;
    if (s.deployment.circuitBreaker) dc.deploymentCircuitBreaker = s.deployment.circuitBreaker;
    if (s.deployment.alarms) dc.alarms = s.deployment.alarms;
    // ECS-native strategies: BLUE_GREEN / LINEAR / CANARY with the manifest's hooks (never ecsdeploy's pauses).
    if (s.deployment.native) Object.assign(dc, JSON.parse(JSON.stringify(s.deployment.native)));
    const desiredCount = typeof s.desiredCount === 'number' ? s.desiredCount : DEFAULT_DESIRED;
    const { container, port } = firstPort(td);
    const lbs = Array.isArray(settings.loadBalancers) ? (settings.loadBalancers as Record<string, unknown>[]) : [];
    const rollingTargetGroups: TargetGroupState[] = [];
    for (const lb of lbs) {
      if (typeof lb.targetGroupArn !== 'string') continue;
      rollingTargetGroups.push(ensureTargetGroup(w, lb.targetGroupArn, Number(lb.containerPort ?? port)));
    }
    // A rolling service's target groups get a load balancer sending them traffic: ECS refuses a target group no
    // load balancer uses, and the 5XX a deployment alarm watches only exists where requests flow.
    if (s.strategy.type === 'rolling') attachLoadBalancer(w, s.service, rollingTargetGroups);
    const createdServices: string[] = [s.service];
    const base = {
      cluster: s.cluster,
      taskDefinition: tdArn,
      desiredCount,
      ...settings,
      deploymentConfiguration: dc,
      ...(Array.isArray(tags) ? { tags } : {}),
    };
    if (s.strategy.type === 'blue-green') {
      seedBlueGreen(world, w, s, s.strategy, base, lbs, alarms);
    } else if (isEcsNative(s.strategy)) {
      seedEcsNative(world, w, s, s.strategy, base, lbs, alarms);
    } else if (s.strategy.type === 'canary') {
      createdServices.push(...seedCanary(world, w, s, s.strategy, base, lbs, { container, port }, alarms));
    } else {
      world.dispatch('ecs', 'CreateService', { ...base, serviceName: s.service });
    }
    for (const name of s.deployment.alarms?.alarmNames ?? []) {
      const lb0 = lbs[0];
      // An ECS-native service's first deployment lands in the alternate target group: its alarms watch that one.
      const watched = isEcsNative(s.strategy) ? s.strategy.alternateTargetGroup : lb0?.targetGroupArn;
      const tg = typeof watched === 'string' ? w.st.elbv2.targetGroups[watched] : undefined;
      alarms.push({ name, tg, lbArn: tg ? lbOfTargetGroup(w, tg.arn) : undefined, cluster: s.cluster, service: s.service });
    }
    const cluster = w.st.ecs.clusters[w.clusterArnFor(s.cluster)];
    for (const name of createdServices) {
      const svc = cluster?.services[name];
      if (svc) settleService(w, svc);
    }
  }
  for (const a of alarms) putAlarm(world, w, a);
  for (const t of manifest.tasks ?? []) {
    const seeded = seedTaskFamily(world, w, t, tag);
    tdArnByKey.set(t.key, seeded.tdArn);
    if (seeded.network) networkByKey.set(t.key, seeded.network);
  }
  const clusterOf = (key: string): string | undefined =>
    manifest.services.find((s) => s.key === key)?.cluster ?? manifest.tasks?.find((t) => t.key === key)?.cluster;
  for (const t of manifest.scheduledTargets) {
    const tdArn = tdArnByKey.get(t.taskDefinitionOf);
    if (!tdArn) continue;
    // A task family's rule may run it in a cluster the manifest does not name for it: the account's default one.
    const cluster = clusterOf(t.taskDefinitionOf) ?? 'default';
    world.dispatch('ecs', 'CreateCluster', { clusterName: cluster });
    const bus = t.eventBus;
    world.dispatch('events', 'PutRule', {
      Name: t.rule,
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      ...(bus ? { EventBusName: bus } : {}),
    });
    const net = networkByKey.get(t.taskDefinitionOf);
    const awsvpc = net && isRecord(net.awsvpcConfiguration) ? net.awsvpcConfiguration : undefined;
    world.dispatch('events', 'PutTargets', {
      Rule: t.rule,
      ...(bus ? { EventBusName: bus } : {}),
      Targets: [
        {
          Id: t.targetId ?? `${t.rule}-ecs`,
          Arn: w.clusterArnFor(cluster),
          RoleArn: w.globalArn('iam', 'role/ecsEventsRole'),
          EcsParameters: {
            TaskDefinitionArn: tdArn,
            TaskCount: 1,
            LaunchType: 'FARGATE',
            PlatformVersion: 'LATEST',
            ...(awsvpc
              ? {
                  NetworkConfiguration: {
                    awsvpcConfiguration: {
                      Subnets: awsvpc.subnets ?? [],
                      SecurityGroups: awsvpc.securityGroups ?? [],
                      AssignPublicIp: awsvpc.assignPublicIp ?? 'DISABLED',
                    },
                  },
                }
              : {}),
          },
        },
      ],
    });
  }
  if (manifest.notify.sns) {
    const arn = manifest.notify.sns;
    createTopicState(w, arn.split(':').pop() ?? 'deploys', arn);
  }
  // Seeding settles services and alarms directly, outside dispatch.
  (world as SandboxWorld).invalidate();
}

/**
 * A task-only family runs a previous revision too, as the EventBridge rules that run it do: registered (with its
 * cluster and log groups), so that a plan of the same manifest shows only the image changes.
 */
function seedTaskFamily(world: World, w: WorldContext, t: ResolvedTask, tag: string): { tdArn: string; network?: JsonObject } {
  if (t.cluster) world.dispatch('ecs', 'CreateCluster', { clusterName: t.cluster });
  const td = previousTaskDefinition(t, t.family, tag);
  ensureLogGroups(world, w, td);
  const registered = world.dispatch('ecs', 'RegisterTaskDefinition', td as unknown as Record<string, unknown>);
  const tdArn = String((registered.taskDefinition as Record<string, unknown>).taskDefinitionArn);
  const network = (t.run.networkConfiguration as JsonObject | undefined) ?? (td.networkMode === 'awsvpc' ? SANDBOX_NETWORK : undefined);
  return { tdArn, ...(network && { network }) };
}

/**
 * The log groups the containers' awslogs driver writes to exist already, as in an account where the manifest
 * runs (AWS would not start a task whose group is missing, unless `awslogs-create-group` says to make it).
 */
function ensureLogGroups(world: World, w: WorldContext, td: TaskDefinitionInput): void {
  for (const c of td.containerDefinitions) {
    const config = isRecord(c.logConfiguration) ? c.logConfiguration : undefined;
    const options = config?.logDriver === 'awslogs' && isRecord(config.options) ? config.options : undefined;
    const group = typeof options?.['awslogs-group'] === 'string' ? options['awslogs-group'] : undefined;
    const region = typeof options?.['awslogs-region'] === 'string' ? options['awslogs-region'] : w.region;
    if (!group || region !== w.region || findGroup(w, group)) continue;
    try {
      world.dispatch('logs', 'CreateLogGroup', { logGroupName: group });
    } catch {
      // A name CloudWatch Logs refuses: AWS could not start such a task either; the sandbox writes nothing for it.
    }
  }
}

/** One load balancer per service; each of its unattached target groups gets a listener (port 80, 81, ...) forwarding to it. */
function attachLoadBalancer(w: WorldContext, service: string, tgs: TargetGroupState[]): void {
  const unattached = tgs.filter((tg) => !targetGroupInUse(w, tg.arn));
  if (!unattached.length) return;
  const name = `${service}-lb`.slice(0, 32);
  const lb = Object.values(w.st.elbv2.loadBalancers).find((x) => x.name === name) ?? createLoadBalancerState(w, name);
  let port = 80;
  for (const tg of unattached) {
    while (Object.values(w.st.elbv2.listeners).some((l) => l.loadBalancerArn === lb.arn && l.port === port)) port++;
    createListenerState(w, lb, port, forward(w, [{ arn: tg.arn, weight: 1 }]));
  }
}

/** The built-in capacity providers the services of each cluster name: the seeded cluster offers them. */
function capacityProvidersByCluster(manifest: ResolvedManifest): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of manifest.services) {
    const strategy = (s.settings as { capacityProviderStrategy?: { capacityProvider?: string }[] }).capacityProviderStrategy ?? [];
    const names = new Set(out.get(s.cluster) ?? []);
    for (const item of strategy)
      if (item.capacityProvider && BUILT_IN_CAPACITY_PROVIDERS.includes(item.capacityProvider)) names.add(item.capacityProvider);
    out.set(s.cluster, [...names].sort());
  }
  return out;
}

function lbOfTargetGroup(w: WorldContext, tgArn: string): string | undefined {
  for (const r of Object.values(w.st.elbv2.rules)) {
    const fc = r.actions.find((a) => a.Type === 'forward')?.ForwardConfig;
    if (isRecord(fc) && Array.isArray(fc.TargetGroups) && fc.TargetGroups.some((t) => isRecord(t) && t.TargetGroupArn === tgArn)) {
      return w.st.elbv2.listeners[r.listenerArn]?.loadBalancerArn;
    }
  }
  return undefined;
}

/**
 * A group that can honour the manifest: with a test-traffic gate (or an approval) the deployment must wait Ready
 * before production traffic moves (STOP_DEPLOYMENT), for longer than the gate holds; without one it goes on.
 */
function readyOptionFor(strategy: BlueGreenStrategy): Record<string, unknown> {
  const gate = strategy.testTrafficGate;
  if (!gate) return { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 };
  return { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: Math.max(60, Math.ceil(gate.holdMs / 60_000) + 30) };
}

function seedBlueGreen(
  world: World,
  w: WorldContext,
  s: ResolvedService,
  strategy: BlueGreenStrategy,
  base: Record<string, unknown>,
  lbs: Record<string, unknown>[],
  alarms: AlarmWanted[],
): void {
  const port = strategy.container.port;
  const blueRef = typeof lbs[0]?.targetGroupArn === 'string' ? lbs[0].targetGroupArn : `${s.service}-blue`.slice(0, 32);
  const blue = ensureTargetGroup(w, blueRef, port);
  const greenName = blue.name.endsWith('-blue') ? `${blue.name.slice(0, -5)}-green` : `${blue.name.slice(0, 29)}-2`;
  const green = ensureTargetGroup(w, greenName, port);
  const lb = createLoadBalancerState(w, `${s.service}-lb`.slice(0, 32));
  const prod = createListenerState(w, lb, 80, forward(w, [{ arn: blue.arn, weight: 1 }]));
  const test = createListenerState(w, lb, 8080, forward(w, [{ arn: blue.arn, weight: 1 }]));
  world.dispatch('ecs', 'CreateService', {
    ...base,
    serviceName: s.service,
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [{ targetGroupArn: blue.arn, containerName: strategy.container.name, containerPort: port }],
  });
  if (!w.st.codedeploy.applications[strategy.application]) {
    world.dispatch('codedeploy', 'CreateApplication', { applicationName: strategy.application, computePlatform: 'ECS' });
  }
  world.dispatch('codedeploy', 'CreateDeploymentGroup', {
    applicationName: strategy.application,
    deploymentGroupName: strategy.deploymentGroup,
    serviceRoleArn: w.globalArn('iam', 'role/ecsCodeDeployRole'),
    deploymentConfigName: strategy.deploymentConfig ?? 'CodeDeployDefault.ECSAllAtOnce',
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
      deploymentReadyOption: readyOptionFor(strategy),
    },
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] },
    ecsServices: [{ serviceName: s.service, clusterName: s.cluster }],
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: [{ name: blue.name }, { name: green.name }],
          prodTrafficRoute: { listenerArns: [prod.arn] },
          testTrafficRoute: { listenerArns: [test.arn] },
        },
      ],
    },
  });
  for (const name of [...(strategy.testTrafficGate?.alarms ?? []), ...(strategy.productionTrafficGate?.alarms ?? [])])
    alarms.push({ name, tg: green, lbArn: lb.arn, cluster: s.cluster, service: s.service });
}

/**
 * An ECS-native (BLUE_GREEN / LINEAR / CANARY) service: its target group and the alternate one, the production
 * listener rule (and the test one, on a listener of its own so the sandbox's clients send it test traffic)
 * forwarding 100/0 to the first, and the service with the strategy's configuration, its first deployment settled.
 */
function seedEcsNative(
  world: World,
  w: WorldContext,
  s: ResolvedService,
  strategy: EcsNativeStrategy,
  base: Record<string, unknown>,
  lbs: Record<string, unknown>[],
  alarms: AlarmWanted[],
): void {
  const managed = lbs.find((lb) => typeof lb.targetGroupArn === 'string');
  const port = typeof managed?.containerPort === 'number' ? managed.containerPort : 80;
  const primary = ensureTargetGroup(w, String(managed?.targetGroupArn), port);
  const alternate = ensureTargetGroup(w, strategy.alternateTargetGroup, port);
  const weights = [
    { arn: primary.arn, weight: 100 },
    { arn: alternate.arn, weight: 0 },
  ];
  const ensureRule = (arn: string, listenerPort: number) => {
    const parsed = parseElbArn(arn);
    const lb = w.st.elbv2.loadBalancers[parsed.lbArn] ?? createLoadBalancerState(w, parsed.lbName, parsed.lbArn);
    let listener = w.st.elbv2.listeners[parsed.listenerArn];
    if (!listener) {
      let p = listenerPort;
      while (Object.values(w.st.elbv2.listeners).some((l) => l.loadBalancerArn === lb.arn && l.port === p)) p++;
      const notFound = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } } as JsonObject];
      // An NLB's listener ARN is the "rule" itself: its default action is weighted.
      listener = createListenerState(w, lb, p, arn.includes(':listener-rule/') ? notFound : forward(w, weights), parsed.listenerArn);
    }
    if (arn.includes(':listener-rule/') && !w.st.elbv2.rules[arn]) {
      createRuleState(w, listener, 10, [{ Field: 'path-pattern', Values: ['/*'] }], forward(w, weights), arn);
    }
    return lb;
  };
  const lb = ensureRule(strategy.productionListenerRule, 80);
  if (strategy.testListenerRule) ensureRule(strategy.testListenerRule, 8080);
  world.dispatch('ecs', 'CreateService', { ...base, serviceName: s.service });
  for (const gate of [strategy.testTrafficGate, strategy.productionGate]) {
    for (const name of gate?.alarms ?? []) alarms.push({ name, tg: alternate, lbArn: lb.arn, cluster: s.cluster, service: s.service });
  }
}

function seedCanary(
  world: World,
  w: WorldContext,
  s: ResolvedService,
  strategy: CanaryStrategy,
  base: Record<string, unknown>,
  lbs: Record<string, unknown>[],
  fallback: { container: string; port: number },
  alarms: AlarmWanted[],
): string[] {
  const lb0 = lbs[0];
  const container = typeof lb0?.containerName === 'string' ? lb0.containerName : fallback.container;
  const port = typeof lb0?.containerPort === 'number' ? lb0.containerPort : fallback.port;
  const stable = ensureTargetGroup(w, strategy.stable.targetGroup, port);
  const canary = ensureTargetGroup(w, strategy.canary.targetGroup, port);
  const ref = strategy.rule ?? strategy.listener;
  const parsed = ref ? parseElbArn(ref) : undefined;
  const lbArn = parsed?.lbArn;
  const lb =
    (lbArn ? w.st.elbv2.loadBalancers[lbArn] : undefined) ??
    createLoadBalancerState(w, parsed?.lbName ?? `${s.service}-lb`.slice(0, 32), lbArn);
  const listenerArn = parsed?.listenerArn;
  const weights = [
    { arn: stable.arn, weight: 100 },
    { arn: canary.arn, weight: 0 },
  ];
  let listener = listenerArn ? w.st.elbv2.listeners[listenerArn] : undefined;
  if (!listener) {
    // With a rule, the listener's default answers 404s; without one, the default action itself is weighted.
    const defaults = strategy.rule
      ? [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } } as JsonObject]
      : forward(w, weights);
    listener = createListenerState(w, lb, 80, defaults, listenerArn);
  }
  if (strategy.rule && !w.st.elbv2.rules[strategy.rule]) {
    createRuleState(w, listener, 10, [{ Field: 'path-pattern', Values: ['/*'] }], forward(w, weights), strategy.rule);
  }
  const stableService = strategy.stable.service ?? s.service;
  const stableLbs = [{ targetGroupArn: stable.arn, containerName: container, containerPort: port }];
  world.dispatch('ecs', 'CreateService', { ...base, serviceName: stableService, loadBalancers: stableLbs });
  world.dispatch('ecs', 'CreateService', {
    ...base,
    serviceName: strategy.canary.service,
    desiredCount: 0,
    loadBalancers: [{ targetGroupArn: canary.arn, containerName: container, containerPort: port }],
  });
  for (const name of strategy.gate.alarms)
    alarms.push({ name, tg: canary, lbArn: lb.arn, cluster: s.cluster, service: strategy.canary.service });
  return stableService === s.service ? [strategy.canary.service] : [stableService, strategy.canary.service];
}

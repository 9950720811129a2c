/**
 * Preflight: the AWS resources a service's strategy needs besides the service itself, checked before anything
 * is changed (aws-semantics.md §7 item 4). Each missing piece is an issue that names it; issues block apply of
 * that service only. Lookups are shared between services and batched where the API allows.
 *
 * - blue-green: the CodeDeploy application and deployment group exist, the group deploys this service, and it can
 *   honour the manifest (a blue/green group with a target group pair; a test listener and a long enough ready wait
 *   for a test-traffic gate: model/codedeploy-group.ts).
 * - canary: the listener rule (or listener) and both target groups exist, and the canary ECS service exists.
 * - any strategy: every alarm a gate, the test-traffic gate or ECS deployment alarms name exists (metric or
 *   composite: DescribeAlarms only returns composite alarms when asked, §4.1).
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import { type DeploymentGroupFacts, deploymentGroupFacts, deploymentGroupProblems } from '../model/codedeploy-group.js';
import type { PreflightIssue } from '../model/live.js';
import type { ResolvedManifest, ResolvedService } from '../model/manifest.js';
import type { BlueGreenStrategy, CanaryStrategy } from '../model/strategy.js';
import type { JsonObject } from '../model/task-definition.js';
import { clusterName, serviceName } from '../util/arn.js';
import { chunk } from '../util/chunk.js';
import { type Limit, mapLimited } from './concurrency.js';

export interface PreflightContext {
  /** A described ECS service read earlier (undefined when missing). */
  findService(cluster: string, service: string): JsonObject | undefined;
  /** Clusters found not to exist (already reported), by name (never by ARN). */
  missingClusters: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
  /** The read's shared limit on calls in flight. */
  limit: Limit;
}

/** DescribeAlarms takes at most 100 names per call. */
const ALARM_BATCH = 100;
/** DescribeRules / DescribeListeners / DescribeTargetGroups: keep batches modest; a miss retries one by one. */
const ELB_BATCH = 20;

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof AwsApiError && codes.includes(error.awsCode);
}

/**
 * Looks up many ELB resources at once. The describe calls fail as a whole when any one is missing (without
 * saying which), so a failed batch is retried item by item to find the missing ones.
 */
async function existing(
  items: string[],
  notFoundCodes: string[],
  describe: (batch: string[]) => Promise<void>,
  context: PreflightContext,
): Promise<Set<string>> {
  const found = new Set<string>();
  await mapLimited(chunk(items, ELB_BATCH), context.limit, async (batch) => {
    try {
      await describe(batch);
      for (const item of batch) found.add(item);
    } catch (error) {
      if (!hasCode(error, ...notFoundCodes)) throw error;
      if (batch.length === 1) return;
      // One by one, inside this batch's slot (never a nested slot: that could deadlock the limit).
      for (const item of batch) {
        try {
          await describe([item]);
          found.add(item);
        } catch (inner) {
          if (!hasCode(inner, ...notFoundCodes)) throw inner;
        }
      }
    }
  });
  return found;
}

function alarmSources(s: ResolvedService): { name: string; from: string }[] {
  const out: { name: string; from: string }[] = [];
  for (const name of s.deployment.alarms?.alarmNames ?? []) out.push({ name, from: 'deployment.alarms' });
  if (s.strategy.type === 'blue-green') {
    for (const name of s.strategy.testTrafficGate?.alarms ?? []) out.push({ name, from: 'strategy.testTrafficGate.alarms' });
    for (const name of s.strategy.productionTrafficGate?.alarms ?? []) out.push({ name, from: 'strategy.productionTrafficGate.alarms' });
  }
  if (s.strategy.type === 'canary') {
    for (const name of s.strategy.gate.alarms) out.push({ name, from: 'strategy.gate.alarms' });
  }
  return out;
}

async function checkAlarms(ports: AwsPorts, manifest: ResolvedManifest, context: PreflightContext): Promise<PreflightIssue[]> {
  const wanted = new Map<string, { service: string; from: string }[]>();
  for (const s of manifest.services) {
    for (const { name, from } of alarmSources(s)) {
      const refs = wanted.get(name) ?? [];
      refs.push({ service: s.key, from });
      wanted.set(name, refs);
    }
  }
  if (wanted.size === 0) return [];
  const found = new Set<string>();
  await mapLimited(chunk([...wanted.keys()], ALARM_BATCH), context.limit, async (names) => {
    let nextToken: string | undefined;
    do {
      const out = await ports.cloudwatch.describeAlarms(
        {
          AlarmNames: names,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: ALARM_BATCH,
          ...(nextToken ? { NextToken: nextToken } : {}),
        },
        { signal: context.signal },
      );
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) if (a.AlarmName) found.add(a.AlarmName);
      nextToken = out.NextToken;
    } while (nextToken);
  });
  const issues: PreflightIssue[] = [];
  for (const [name, refs] of wanted) {
    if (found.has(name)) continue;
    for (const ref of refs) {
      issues.push({ service: ref.service, message: `CloudWatch alarm "${name}" (named in ${ref.from}) does not exist in ${ports.region}` });
    }
  }
  return issues;
}

async function checkBlueGreen(
  ports: AwsPorts,
  services: { s: ResolvedService; strategy: BlueGreenStrategy }[],
  context: PreflightContext,
): Promise<PreflightIssue[]> {
  // One GetDeploymentGroup per distinct group; it also tells whether the application exists.
  type Group =
    | { kind: 'ok'; ecsServices: { cluster: string; service: string }[]; facts: DeploymentGroupFacts }
    | { kind: 'no-app' }
    | { kind: 'no-group' };
  const keyOf = (b: BlueGreenStrategy) => `${b.application}\n${b.deploymentGroup}`;
  const distinct = [...new Map(services.map(({ strategy }) => [keyOf(strategy), strategy])).values()];
  const groups = new Map<string, Group>();
  await mapLimited(distinct, context.limit, async (b) => {
    try {
      const out = await ports.codedeploy.getDeploymentGroup(
        { applicationName: b.application, deploymentGroupName: b.deploymentGroup },
        { signal: context.signal },
      );
      const ecsServices = (out.deploymentGroupInfo?.ecsServices ?? []).map((e) => ({
        cluster: clusterName(e.clusterName ?? ''),
        service: serviceName(e.serviceName ?? ''),
      }));
      groups.set(keyOf(b), { kind: 'ok', ecsServices, facts: deploymentGroupFacts(out.deploymentGroupInfo) });
    } catch (error) {
      if (hasCode(error, 'ApplicationDoesNotExistException')) groups.set(keyOf(b), { kind: 'no-app' });
      else if (hasCode(error, 'DeploymentGroupDoesNotExistException')) groups.set(keyOf(b), { kind: 'no-group' });
      else throw error;
    }
  });
  const issues: PreflightIssue[] = [];
  for (const { s, strategy } of services) {
    const group = groups.get(keyOf(strategy));
    if (!group) continue;
    if (group.kind === 'no-app') {
      issues.push({ service: s.key, message: `CodeDeploy application "${strategy.application}" does not exist in ${ports.region}` });
    } else if (group.kind === 'no-group') {
      issues.push({
        service: s.key,
        message: `CodeDeploy deployment group "${strategy.deploymentGroup}" does not exist in application "${strategy.application}"`,
      });
    } else if (!group.ecsServices.some((e) => e.cluster === clusterName(s.cluster) && e.service === serviceName(s.service))) {
      const targets = group.ecsServices.map((e) => `${e.cluster}/${e.service}`).join(', ') || 'no ECS service';
      issues.push({
        service: s.key,
        message: `CodeDeploy deployment group "${strategy.deploymentGroup}" deploys ${targets}, not ${clusterName(s.cluster)}/${serviceName(s.service)}`,
      });
    } else {
      for (const message of deploymentGroupProblems(strategy, group.facts)) issues.push({ service: s.key, message });
    }
  }
  return issues;
}

async function checkCanary(
  ports: AwsPorts,
  services: { s: ResolvedService; strategy: CanaryStrategy }[],
  context: PreflightContext,
): Promise<PreflightIssue[]> {
  const signal = context.signal;
  const rules = [...new Set(services.flatMap(({ strategy }) => (strategy.rule ? [strategy.rule] : [])))];
  const listeners = [...new Set(services.flatMap(({ strategy }) => (!strategy.rule && strategy.listener ? [strategy.listener] : [])))];
  const targetGroups = [...new Set(services.flatMap(({ strategy }) => [strategy.stable.targetGroup, strategy.canary.targetGroup]))];
  const tgArns = targetGroups.filter((t) => t.startsWith('arn:'));
  const tgNames = targetGroups.filter((t) => !t.startsWith('arn:'));

  const [foundRules, foundListeners, foundTgArns, foundTgNames] = await Promise.all([
    existing(
      rules,
      ['RuleNotFoundException', 'RuleNotFound'],
      (b) => ports.elbv2.describeRules({ RuleArns: b }, { signal }).then(() => {}),
      context,
    ),
    existing(
      listeners,
      ['ListenerNotFoundException', 'ListenerNotFound'],
      (b) => ports.elbv2.describeListeners({ ListenerArns: b }, { signal }).then(() => {}),
      context,
    ),
    existing(
      tgArns,
      ['TargetGroupNotFoundException', 'TargetGroupNotFound'],
      (b) => ports.elbv2.describeTargetGroups({ TargetGroupArns: b }, { signal }).then(() => {}),
      context,
    ),
    existing(
      tgNames,
      ['TargetGroupNotFoundException', 'TargetGroupNotFound'],
      (b) => ports.elbv2.describeTargetGroups({ Names: b }, { signal }).then(() => {}),
      context,
    ),
  ]);

  const issues: PreflightIssue[] = [];
  for (const { s, strategy } of services) {
    const add = (message: string) => issues.push({ service: s.key, message });
    if (strategy.rule && !foundRules.has(strategy.rule)) add(`listener rule ${strategy.rule} does not exist`);
    if (!strategy.rule && strategy.listener && !foundListeners.has(strategy.listener)) add(`listener ${strategy.listener} does not exist`);
    if (!strategy.rule && !strategy.listener) add('the canary strategy names neither a listener rule nor a listener');
    for (const [role, tg] of [
      ['stable', strategy.stable.targetGroup],
      ['canary', strategy.canary.targetGroup],
    ] as const) {
      if (!foundTgArns.has(tg) && !foundTgNames.has(tg)) add(`${role} target group "${tg}" does not exist in ${ports.region}`);
    }
    if (!context.missingClusters.has(clusterName(s.cluster)) && !context.findService(s.cluster, strategy.canary.service)) {
      add(`canary ECS service "${strategy.canary.service}" does not exist in cluster "${clusterName(s.cluster)}"`);
    }
  }
  return issues;
}

export async function runPreflight(ports: AwsPorts, manifest: ResolvedManifest, context: PreflightContext): Promise<PreflightIssue[]> {
  const blueGreen: { s: ResolvedService; strategy: BlueGreenStrategy }[] = [];
  const canary: { s: ResolvedService; strategy: CanaryStrategy }[] = [];
  for (const s of manifest.services) {
    if (s.strategy.type === 'blue-green') blueGreen.push({ s, strategy: s.strategy });
    if (s.strategy.type === 'canary') canary.push({ s, strategy: s.strategy });
  }
  const results = await Promise.all([
    blueGreen.length ? checkBlueGreen(ports, blueGreen, context) : [],
    canary.length ? checkCanary(ports, canary, context) : [],
    checkAlarms(ports, manifest, context),
  ]);
  // Keep the manifest's service order so the output reads top to bottom.
  const order = new Map(manifest.services.map((s, i) => [s.key, i]));
  return results.flat().sort((a, b) => (order.get(a.service) ?? 0) - (order.get(b.service) ?? 0));
}

/**
 * `ecsdeploy plan` against moto, an AWS emulator no one here wrote. For each example manifest: create what it
 * describes in moto through the SDK (task definitions registered exactly as written, so moto fills in AWS's
 * defaults), then plan. A plan right after "deploying by hand" must show no changes — that is the test of the
 * normalization. Changing one image must show exactly that image.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadManifestAll } from '../../src/manifest/index.js';
import type { ResolvedManifest, ResolvedService } from '../../src/model/manifest.js';
import { deploymentConfiguration } from '../../src/plan/service-settings.js';
import type { FieldChange, Plan } from '../../src/plan/types.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue, xmlValues } from '../_helpers/moto.js';
import { capture } from '../_helpers/capture.js';

const EXAMPLES = resolve(__dirname, '../../examples');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** The examples with services (a task-only one, examples/nightly-report, has its own test: tasks-sandbox.test.ts). */
function hasServices(file: string): boolean {
  return existsSync(file) && /^services:/m.test(readFileSync(file, 'utf8'));
}
const examples = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((d) => hasServices(join(EXAMPLES, d, 'ecsdeploy.yaml'))) : [];

/** Environment names to plan for an example: each one it declares, or none. */
function environmentsOf(dir: string): (string | undefined)[] {
  return loadManifestAll({ cwd: dir, env: { IMAGE_TAG: undefined } }).map((m) => m.environment);
}

async function plan(cwd: string, env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await run(['plan', '--no-cache', '--no-color', ...args], {
    env,
    cwd,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    isCI: true,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function clients(moto: MotoServer) {
  const config = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return {
    ecs: new ECSClient(config),
    codedeploy: new CodeDeployClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

/** Every text file of the working copy, with `replace` applied. */
function rewrite(dir: string, replace: (text: string) => string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!/\.(ya?ml|json)$/.test(name)) continue;
    writeFileSync(file, replace(readFileSync(file, 'utf8')));
  }
}

function allText(dir: string): string {
  return readdirSync(dir)
    .filter((n) => /\.(ya?ml|json)$/.test(n))
    .map((n) => readFileSync(join(dir, n), 'utf8'))
    .join('\n');
}

/**
 * The network pieces the example names by id (subnets, security groups, target groups) exist in the real account
 * it was written for; moto validates them and makes its own ids. Create one in moto for each id and point the
 * working copy at it. Returns the target group ARNs by name.
 */
async function provisionNetwork(moto: MotoServer, dir: string): Promise<{ vpcId: string; targetGroups: Map<string, string> }> {
  const text = allText(dir);
  const vpcId = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeVpcs' }), 'vpcId');
  const swaps: [string, string][] = [];
  const subnetIds = [...new Set(text.match(/subnet-[0-9a-f]{8,17}/g) ?? [])];
  for (const [i, id] of subnetIds.entries()) {
    const xml = await motoEc2(moto.endpoint, {
      Action: 'CreateSubnet',
      VpcId: vpcId,
      CidrBlock: `172.31.${100 + i}.0/24`,
      AvailabilityZone: `${REGION}${'abcdef'[i % 6]}`,
    });
    swaps.push([id, xmlValue(xml, 'subnetId')]);
  }
  const groupIds = [...new Set(text.match(/sg-[0-9a-f]{8,17}/g) ?? [])];
  for (const id of groupIds) {
    const xml = await motoEc2(moto.endpoint, {
      Action: 'CreateSecurityGroup',
      GroupName: `example-${id}`,
      GroupDescription: 'example',
      VpcId: vpcId,
    });
    swaps.push([id, xmlValue(xml, 'groupId')]);
  }
  const { elbv2 } = clients(moto);
  const targetGroups = new Map<string, string>();
  for (const m of text.matchAll(/arn:aws:elasticloadbalancing:[^:]+:\d+:targetgroup\/([^/\s"']+)\/[0-9a-f]+/g)) {
    const [arn, name] = [m[0], m[1] as string];
    if (!targetGroups.has(name)) {
      const out = await elbv2.send(
        new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip' }),
      );
      targetGroups.set(name, out.TargetGroups?.[0]?.TargetGroupArn as string);
    }
    swaps.push([arn, targetGroups.get(name) as string]);
  }
  rewrite(dir, (t) => swaps.reduce((acc, [from, to]) => acc.split(from).join(to), t));
  return { vpcId, targetGroups };
}

/**
 * Creates in moto what the manifest describes, the way someone deploying by hand would: the task definition as
 * written, the service with the manifest's settings, and what the strategy needs around it. Returns the literal
 * strings of the manifest to replace with what moto made (listener rule ARNs it generates).
 */
async function seed(
  moto: MotoServer,
  manifest: ResolvedManifest,
  network: { vpcId: string; targetGroups: Map<string, string> },
): Promise<[string, string][]> {
  const { ecs, codedeploy, elbv2, cloudwatch } = clients(moto);
  const replacements: [string, string][] = [];
  const alarms = new Set<string>();

  for (const cluster of new Set(manifest.services.map((s) => s.cluster))) {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  }
  const createService = async (svc: ResolvedService, name: string, extra: Record<string, unknown> = {}) => {
    if (svc.taskDefinition.kind !== 'declared') throw new Error(`example service ${svc.key} must declare its task definition`);
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(svc.taskDefinition.input as never));
    const dc = deploymentConfiguration(svc.deployment);
    await ecs.send(
      new CreateServiceCommand({
        cluster: svc.cluster,
        serviceName: name,
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        ...(typeof svc.desiredCount === 'number' ? { desiredCount: svc.desiredCount } : {}),
        ...(dc ? { deploymentConfiguration: dc } : {}),
        ...(svc.settings as Record<string, unknown>),
        ...extra,
      } as never),
    );
  };
  const targetGroup = async (nameOrArn: string) => {
    if (nameOrArn.startsWith('arn:')) return nameOrArn;
    const known = network.targetGroups.get(nameOrArn);
    if (known) return known;
    const out = await elbv2.send(
      new CreateTargetGroupCommand({ Name: nameOrArn, Protocol: 'HTTP', Port: 8080, VpcId: network.vpcId, TargetType: 'ip' }),
    );
    const arn = out.TargetGroups?.[0]?.TargetGroupArn as string;
    network.targetGroups.set(nameOrArn, arn);
    return arn;
  };

  for (const svc of manifest.services) {
    for (const name of svc.deployment.alarms?.alarmNames ?? []) alarms.add(name);
    const strategy = svc.strategy;
    if (strategy.type === 'blue-green') {
      await createService(svc, svc.service, { deploymentController: { type: 'CODE_DEPLOY' } });
      await codedeploy
        .send(new CreateApplicationCommand({ applicationName: strategy.application, computePlatform: 'ECS' }))
        .catch(() => {});
      await codedeploy.send(
        new CreateDeploymentGroupCommand({
          applicationName: strategy.application,
          deploymentGroupName: strategy.deploymentGroup,
          serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/CodeDeployECS`,
          deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
          ecsServices: [{ clusterName: svc.cluster, serviceName: svc.service }],
          // What a group needs to honour a test-traffic gate (the listeners are not read by the plan).
          loadBalancerInfo: {
            targetGroupPairInfoList: [
              {
                targetGroups: [{ name: `${svc.service}-blue` }, { name: `${svc.service}-green` }],
                prodTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/x/1/80`] },
                testTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/x/1/8080`] },
              },
            ],
          },
          blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 60 } },
        }),
      );
      for (const name of strategy.testTrafficGate?.alarms ?? []) alarms.add(name);
    } else if (strategy.type === 'canary') {
      await createService(svc, svc.service);
      await createService(svc, strategy.canary.service, { desiredCount: 0, loadBalancers: [] });
      const stableTg = await targetGroup(strategy.stable.targetGroup);
      const canaryTg = await targetGroup(strategy.canary.targetGroup);
      const subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId').slice(0, 2);
      const lb = await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: `${svc.key}-lb`,
          Subnets: subnets,
          Type: 'application',
        }),
      );
      const listener = await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: stableTg }],
        }),
      );
      const listenerArn = listener.Listeners?.[0]?.ListenerArn as string;
      const rule = await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: stableTg, Weight: 100 },
                  { TargetGroupArn: canaryTg, Weight: 0 },
                ],
              },
            },
          ],
        }),
      );
      // The example names ARNs from a real account; moto makes its own, so the working copy gets moto's.
      if (strategy.rule) replacements.push([strategy.rule, rule.Rules?.[0]?.RuleArn as string]);
      if (strategy.listener) replacements.push([strategy.listener, listenerArn]);
      for (const name of strategy.gate.alarms) alarms.add(name);
    } else {
      await createService(svc, svc.service);
    }
  }
  for (const name of alarms) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
  }
  return replacements;
}

/** A scratch copy of an example folder, to point at what moto made. */
function workingCopy(example: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ecsdeploy-${example}-`));
  cpSync(join(EXAMPLES, example), dir, { recursive: true });
  return dir;
}

/**
 * Service fields moto 5.x neither stores nor returns, though AWS always does (checked: CreateService with them,
 * then DescribeServices, returns neither). A difference in one of these is moto's gap, not a normalization bug.
 */
const MOTO_UNMODELLED_SERVICE_FIELDS = new Set(['deploymentConfiguration', 'healthCheckGracePeriodSeconds']);
const motoGap = (c: FieldChange) => c.scope === 'service' && MOTO_UNMODELLED_SERVICE_FIELDS.has(c.path.split(/[.[]/)[0] as string);

const available = motoAvailable();
if (!available) {
  // Visible, not silent: the CI run installs moto and fails elsewhere if it is missing.
  console.warn('plan-moto: skipped, moto_server is not installed (pip install "moto[server]")');
}

describe.skipIf(!available)('plan against moto', () => {
  let moto: MotoServer;
  const cleanup: string[] = [];

  beforeAll(async () => {
    // Settled services: every deployment moto creates reports the examples' largest desired count running.
    moto = await startMoto({ servicesRunning: 6 });
  });
  afterAll(async () => {
    await moto?.stop();
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await moto.reset();
  });

  it('has example manifests to check', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const example of examples) {
    for (const environment of environmentsOf(join(EXAMPLES, example))) {
      const label = environment ? `${example} (--env ${environment})` : example;
      const envArgs = environment ? ['--env', environment] : [];

      it(`shows no changes for ${label} (beyond fields moto does not keep) right after creating it in moto as written, and exactly one image change after --image`, async () => {
        const env = { ...moto.env, HOME: tmpdir() };
        const dir = workingCopy(example);
        cleanup.push(dir);
        const network = await provisionNetwork(moto, dir);
        const manifest = loadManifestAll({ cwd: dir, env, ...(environment ? { environment } : {}) })[0] as ResolvedManifest;
        const replacements = await seed(moto, manifest, network);
        rewrite(dir, (t) => replacements.reduce((acc, [from, to]) => acc.split(from).join(to), t));

        const same = await plan(dir, env, [...envArgs, '--detailed-exitcode', '--format', 'json']);
        expect(same.stderr).toBe('');
        const unchanged = JSON.parse(same.stdout) as Plan;
        // Nothing differs but what moto cannot hold; every task definition (the normalization) matches exactly.
        expect(
          unchanged.services.map((s) => ({ key: s.key, changes: s.changes.filter((c) => !motoGap(c)), blocked: s.blockedReasons })),
        ).toEqual(manifest.services.map((s) => ({ key: s.key, changes: [], blocked: [] })));
        const gaps = unchanged.services.flatMap((s) => s.changes.filter(motoGap));
        expect(same.code).toBe(gaps.length === 0 ? 0 : 2);
        if (gaps.length === 0) expect(unchanged.services.every((s) => s.action === 'no-change')).toBe(true);
        expect(unchanged.calls?.['ECS.DescribeServices']).toBeGreaterThan(0);

        const first = manifest.services[0] as ResolvedService;
        if (first.taskDefinition.kind !== 'declared') throw new Error('examples declare their task definitions');
        const container = first.taskDefinition.input.containerDefinitions[0]?.name as string;
        const newImage = `123456789012.dkr.ecr.us-east-1.amazonaws.com/changed-${first.key}:9.9.9`;
        const changed = await plan(dir, env, [
          ...envArgs,
          '--detailed-exitcode',
          '--format',
          'json',
          '-n',
          first.key,
          '--image',
          `${container}=${newImage}`,
        ]);
        expect(changed.code).toBe(2);
        const changedPlan = JSON.parse(changed.stdout) as Plan;
        const svc = changedPlan.services[0];
        expect(svc?.action).toBe('update');
        expect(svc?.taskDefinitionChanged).toBe(true);
        expect(svc?.changes.filter((c) => !motoGap(c)).map((c) => ({ scope: c.scope, path: c.path, after: c.after }))).toEqual([
          { scope: 'taskDefinition', path: expect.stringMatching(/^containerDefinitions\[.*\]\.image$/), after: newImage },
        ]);
        expect(svc?.diff).toContain(newImage);

        const text = await plan(dir, env, [...envArgs, '-n', first.key, '--image', `${container}=${newImage}`]);
        expect(text.code).toBe(0);
        expect(text.stdout).toContain(newImage);
      });
    }
  }

  it('names the missing CodeDeploy deployment group and alarm when a blue-green service lacks them', async () => {
    const example = examples.find((e) => readFileSync(join(EXAMPLES, e, 'ecsdeploy.yaml'), 'utf8').includes('blue-green'));
    if (!example) return;
    const env = { ...moto.env, HOME: tmpdir() };
    const dir = workingCopy(example);
    cleanup.push(dir);
    await provisionNetwork(moto, dir);
    const manifest = loadManifestAll({ cwd: dir, env })[0] as ResolvedManifest;
    // Only the ECS side exists: no CodeDeploy application, no alarms.
    const { ecs } = clients(moto);
    for (const svc of manifest.services) {
      if (svc.taskDefinition.kind !== 'declared') continue;
      await ecs.send(new CreateClusterCommand({ clusterName: svc.cluster }));
      const td = await ecs.send(new RegisterTaskDefinitionCommand(svc.taskDefinition.input as never));
      await ecs.send(
        new CreateServiceCommand({
          cluster: svc.cluster,
          serviceName: svc.service,
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
          ...(svc.settings as Record<string, unknown>),
          deploymentController: { type: 'CODE_DEPLOY' },
        } as never),
      );
    }
    const result = await plan(dir, env, ['--detailed-exitcode']);
    expect(result.code).toBe(2);
    const bg = manifest.services.find((s) => s.strategy.type === 'blue-green');
    if (bg?.strategy.type !== 'blue-green') throw new Error('unreachable');
    expect(result.stdout).toContain(`CodeDeploy application "${bg.strategy.application}" does not exist in ${REGION}`);
    for (const alarm of bg.strategy.testTrafficGate?.alarms ?? []) expect(result.stdout).toContain(`CloudWatch alarm "${alarm}"`);
  });
});

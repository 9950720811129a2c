/**
 * The canary strategy against moto, an AWS emulator no one here wrote: its ModifyRule must accept the whole action
 * list the strategy sends and DescribeRules must read the weights back; an alarm set to ALARM (SetAlarmState) while a
 * step holds must abort the canary, with the rule back to stable 100 / canary 0 as DescribeRules reads it.
 *
 * moto registers no ECS task in a target group, so the canary's target is registered by hand (an IP target, which
 * moto reports healthy); its ECS deployments report MOTO_ECS_SERVICE_RUNNING running tasks (see apply-moto.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { readForward, resolveTargetGroups, shiftTraffic } from '../../src/strategies/canary-traffic.js';
import { cli, ofType } from '../_helpers/cli.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue, xmlValues } from '../_helpers/moto.js';

const REGION = 'us-east-1';
const available = motoAvailable();
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface MotoCanary {
  dir: string;
  ruleArn: string;
  stableArn: string;
  canaryArn: string;
}

async function seedCanary(moto: MotoServer): Promise<MotoCanary> {
  const config = { region: REGION, endpoint: moto.endpoint, credentials };
  const elb = new ElasticLoadBalancingV2Client(config);
  const ecs = new ECSClient(config);
  const subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId');
  const vpc = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeVpcs' }), 'vpcId');
  const sg = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId');
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets.slice(0, 2) }))).LoadBalancers?.[0];
  const tg = async (name: string) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'ip', HealthCheckPath: '/' }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn ?? '';
  const stableArn = await tg('shop-web-stable');
  const canaryArn = await tg('shop-web-canary');
  const listener = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }],
      }),
    )
  ).Listeners?.[0];
  const rule = (
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listener?.ListenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: stableArn, Weight: 100 },
                { TargetGroupArn: canaryArn, Weight: 0 },
              ],
            },
          },
        ],
      }),
    )
  ).Rules?.[0];
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: canaryArn, Targets: [{ Id: '172.31.0.10', Port: 8080 }] }));

  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  const td = {
    family: 'shop-web',
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image: 'shop-web:1.0.0', essential: true, portMappings: [{ containerPort: 8080 }] }],
  };
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(td));
  const network = { awsvpcConfiguration: { subnets: subnets.slice(0, 2), securityGroups: [sg] } };
  for (const [name, targetGroupArn, desiredCount] of [
    ['shop-web', stableArn, 2],
    ['shop-web-canary', canaryArn, 0],
  ] as const) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: name,
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
        desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
      }),
    );
  }
  await new CloudWatchClient(config).send(
    new PutMetricAlarmCommand({
      AlarmName: 'shop-web-canary-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await new CloudWatchClient(config).send(
    new SetAlarmStateCommand({ AlarmName: 'shop-web-canary-5xx', StateValue: 'OK', StateReason: 'seed' }),
  );

  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-canary-moto-'));
  writeFileSync(
    join(dir, 'ecsdeploy.yaml'),
    `version: 1
region: ${REGION}
services:
  web:
    service: shop-web
    cluster: shop
    taskDefinition:
      family: shop-web
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      cpu: "256"
      memory: "512"
      containerDefinitions:
        - { name: web, image: "shop-web:\${env:IMAGE_TAG}", essential: true, portMappings: [{ containerPort: 8080 }] }
    strategy:
      type: canary
      rule: ${rule?.RuleArn}
      stable: { targetGroup: shop-web-stable }
      canary: { service: shop-web-canary, targetGroup: shop-web-canary, count: 1 }
      steps:
        - { weight: 10, pause: 5m }
      gate:
        interval: 1m
        alarms: [shop-web-canary-5xx]
    timeout: 30m
`,
  );
  return { dir, ruleArn: rule?.RuleArn ?? '', stableArn, canaryArn };
}

describe.skipIf(!available)('the canary against moto', () => {
  let moto: MotoServer;
  let seeded: MotoCanary;

  beforeAll(async () => {
    process.env.MOTO_ECS_SERVICE_RUNNING = '2';
    moto = await startMoto();
    seeded = await seedCanary(moto);
  }, 60_000);

  afterAll(async () => {
    delete process.env.MOTO_ECS_SERVICE_RUNNING;
    await moto?.stop();
    if (seeded?.dir) rmSync(seeded.dir, { recursive: true, force: true });
  });

  it('ModifyRule takes the whole action list and DescribeRules reads the weights back', async () => {
    const ports = createAwsPorts({ region: REGION, endpointUrl: moto.endpoint, env: {}, credentials });
    const clock = new VirtualClock(Date.now());
    const signal = new AbortController().signal;
    const calls = createCallRunner({ dryRun: false, emit: createEmitter(new MemorySink(), clock), hardSignal: signal, ports, runId: 't' });
    const strategy = {
      type: 'canary' as const,
      rule: seeded.ruleArn,
      stable: { targetGroup: 'shop-web-stable' },
      canary: { service: 'shop-web-canary', targetGroup: 'shop-web-canary', count: 1 },
      steps: [],
      gate: {
        intervalMs: 60_000,
        metricDelayMs: 60_000,
        failureLimit: 0,
        inconclusiveLimit: 0,
        noData: 'inconclusive' as const,
        alarms: [],
        metrics: [],
        tasks: [],
      },
    };
    const tgs = await resolveTargetGroups(ports, strategy, signal);
    expect(tgs).toMatchObject({ stable: { arn: seeded.stableArn }, canary: { arn: seeded.canaryArn } });
    const route = { kind: 'rule' as const, arn: seeded.ruleArn };
    const before = await readForward(ports, route, tgs, signal);
    expect(before).toMatchObject({ weights: { stable: 100, canary: 0 }, others: [], sticky: false });

    const shifted = await shiftTraffic({ ports, calls, clock }, route, tgs, before, 25, signal);
    expect(shifted).toEqual({ verified: true, read: { stable: 75, canary: 25 } });
    const elb = new ElasticLoadBalancingV2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [seeded.ruleArn] }))).Rules?.[0];
    const targets = rule?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    expect(targets.map((t) => [t.TargetGroupArn, t.Weight])).toEqual([
      [seeded.stableArn, 75],
      [seeded.canaryArn, 25],
    ]);
    const back = await shiftTraffic({ ports, calls, clock }, route, tgs, await readForward(ports, route, tgs, signal), 0, signal);
    expect(back.verified).toBe(true);
  });

  it('an alarm set to ALARM (SetAlarmState) while step 1 holds aborts: rule back to stable 100 / canary 0, canary scaled in, exit 1', async () => {
    const cw = new CloudWatchClient({ region: REGION, endpoint: moto.endpoint, credentials });
    let fired = false;
    const r = await cli(['apply', '--yes', '--format', 'json', '--no-cache'], {
      cwd: seeded.dir,
      env: { ...moto.env, IMAGE_TAG: '2.0.0' },
      context: { clock: new VirtualClock(Date.now()) },
      onStdout: (text) => {
        if (!fired && text.includes('"type":"traffic.shifted"')) {
          fired = true;
          void cw.send(new SetAlarmStateCommand({ AlarmName: 'shop-web-canary-5xx', StateValue: 'ALARM', StateReason: '5XX errors' }));
        }
      },
    });
    expect(fired).toBe(true);
    expect(r.code).toBe(1);
    const failed = ofType(r.events, 'gate.evaluated').find((e) => e.outcome === 'fail');
    expect(failed?.checks[0]).toMatchObject({ name: 'shop-web-canary-5xx', kind: 'alarm', outcome: 'fail', state: 'ALARM' });
    expect(ofType(r.events, 'canary.aborted')[0]).toMatchObject({ trigger: 'gate', step: 1, trafficRestored: true, scaledIn: true });
    const elb = new ElasticLoadBalancingV2Client({ region: REGION, endpoint: moto.endpoint, credentials });
    const rule = (await elb.send(new DescribeRulesCommand({ RuleArns: [seeded.ruleArn] }))).Rules?.[0];
    const targets = rule?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    expect(targets.map((t) => t.Weight)).toEqual([100, 0]);
    const ecs = new ECSClient({ region: REGION, endpoint: moto.endpoint, credentials });
    const canary = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['shop-web-canary'], include: ['TAGS'] })))
      .services?.[0];
    expect(canary?.desiredCount).toBe(0);
    expect((canary?.tags ?? []).filter((t) => t.key?.startsWith('ecsdeploy:canary:'))).toEqual([]);
  });
});

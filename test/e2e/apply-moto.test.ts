/**
 * `ecsdeploy apply` against moto, an AWS emulator no one here wrote: deploy the rolling examples (examples/rolling,
 * and web + worker of examples/multi in staging, with its scheduled target) over services created "by hand", then
 * `plan --detailed-exitcode` must exit 0 (apply, then plan shows no changes).
 *
 * moto 5 keeps a service's single deployment on UpdateService (it starts no new one) and reports it COMPLETED
 * only when MOTO_ECS_SERVICE_RUNNING (read when a service is created) reaches the desired count; the strategy
 * follows that deployment as "the same deployment" (see src/strategies/rolling.ts) and says so in a warning.
 * RunTask and one-off tasks are not exercised here: moto's RunTask fails on task definitions without
 * container-level cpu/memory, and its tasks never stop.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { EngineEvent } from '../../src/events/types.js';
import { loadManifest } from '../../src/manifest/index.js';
import { applyOverrides } from '../../src/model/overrides.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue, xmlValues } from '../_helpers/moto.js';
import { capture } from '../_helpers/capture.js';

const EXAMPLES = resolve(__dirname, '../../examples');
const REGION = 'us-east-1';
const available = motoAvailable();

async function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await run([...args, '--no-cache', '--no-color'], {
    env,
    cwd,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    stdinIsTTY: false,
    isCI: true,
    // moto answers at once and keeps no clock of its own for deployments: the engine's waits (lock settling,
    // polling backoff) pass on a virtual clock, started at the real time, instead of seconds of real sleep.
    clock: new VirtualClock(Date.now()),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe.skipIf(!available)('apply against moto', () => {
  let moto: MotoServer;
  let dir: string;

  beforeAll(async () => {
    // Read by moto when a service is created: its deployment reports this many running tasks (see above).
    process.env.MOTO_ECS_SERVICE_RUNNING = '2';
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-apply-moto-'));
  }, 60_000);

  afterAll(async () => {
    delete process.env.MOTO_ECS_SERVICE_RUNNING;
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys the rolling example, judges it by its deployment, and plan then shows no changes', async () => {
    // GIVEN the example's service, created by hand in moto with the subnets and security group moto knows
    const cwd = join(dir, 'rolling');
    cpSync(join(EXAMPLES, 'rolling'), cwd, { recursive: true });
    // The default VPC's subnet and security group: moto's ECS validates the ids against its EC2.
    // Two distinct ones: moto reports a subnet listed twice as missing.
    const subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId');
    const sg = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId');
    const manifestFile = join(cwd, 'ecsdeploy.yaml');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8')
        .replace('subnet-0a1b2c3d4e5f60001', subnets[0] as string)
        .replace('subnet-0a1b2c3d4e5f60002', subnets[1] as string)
        .replace(/sg-[0-9a-f]{17}/g, sg),
    );
    const manifest = loadManifest({ cwd, env: { IMAGE_TAG: '1.0.0' } });
    const web = manifest.services[0];
    if (web?.taskDefinition.kind !== 'declared') throw new Error('the rolling example declares its task definition');
    const ecs = new ECSClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await ecs.send(new CreateClusterCommand({ clusterName: web.cluster }));
    const td = await ecs.send(new RegisterTaskDefinitionCommand(applyOverrides(web.taskDefinition.input, web).taskDefinition as never));
    await ecs.send(
      new CreateServiceCommand({
        cluster: web.cluster,
        serviceName: web.service,
        taskDefinition: td.taskDefinition?.taskDefinitionArn,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: web.settings.networkConfiguration as never,
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      }),
    );
    const env = { ...moto.env, IMAGE_TAG: '2.0.0' };
    const before = await cli(['plan', '--detailed-exitcode'], cwd, env);
    expect(before.code).toBe(2);

    // WHEN a new image is applied
    const applied = await cli(['apply', '--yes', '--format', 'json'], cwd, env);

    // THEN it succeeded, on a newly registered revision, and left no lock behind
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const events = applied.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as EngineEvent);
    const registered = events.find((e) => e.type === 'taskdef.registered');
    const finished = events.find((e) => e.type === 'apply.finished');
    expect(finished).toMatchObject({ outcome: 'succeeded', services: [{ key: 'web', outcome: 'succeeded' }] });
    expect(registered && 'taskDefinitionArn' in registered ? registered.taskDefinitionArn : undefined).toMatch(/hello-web:2$/);
    const tags = await ecs.send(
      new ListTagsForResourceCommand({ resourceArn: `arn:aws:ecs:${REGION}:123456789012:service/${web.cluster}/${web.service}` }),
    );
    expect(tags.tags?.some((t) => t.key === 'ecsdeploy:lock')).toBe(false);

    const after = await cli(['plan', '--detailed-exitcode'], cwd, env);
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
  }, 120_000);

  it('deploys web and worker of examples/multi (staging) in order and moves the scheduled target, keeping its parameters', async () => {
    // GIVEN the staging services made by hand, and the nightly rule's ECS target on the worker's revision
    const cwd = join(dir, 'multi');
    cpSync(join(EXAMPLES, 'multi'), cwd, { recursive: true });
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const config = { region: REGION, endpoint: moto.endpoint, credentials };
    const subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId');
    const sg = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId');
    const vpc = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeVpcs' }), 'vpcId');
    const tg = await new ElasticLoadBalancingV2Client(config).send(
      new CreateTargetGroupCommand({ Name: 'shop-web-stable', Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'ip' }),
    );
    const manifestFile = join(cwd, 'ecsdeploy.yaml');
    writeFileSync(
      manifestFile,
      readFileSync(manifestFile, 'utf8')
        .replace('subnet-0a1b2c3d4e5f60101', subnets[2] as string)
        .replace('subnet-0a1b2c3d4e5f60102', subnets[3] as string)
        .replace('sg-0a1b2c3d4e5f60010', sg)
        .replace(
          /arn:aws:elasticloadbalancing:[^\s]+targetgroup\/shop-web-stable\/[0-9a-f]+/,
          tg.TargetGroups?.[0]?.TargetGroupArn as string,
        ),
    );
    const manifest = loadManifest({ cwd, env: { IMAGE_TAG: '1.0.0' }, environment: 'staging' });
    const ecs = new ECSClient(config);
    const events = new EventBridgeClient(config);
    const arns = new Map<string, string>();
    for (const cluster of new Set(manifest.services.map((s) => s.cluster)))
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    for (const svc of manifest.services) {
      if (svc.taskDefinition.kind !== 'declared') throw new Error(`${svc.key} declares its task definition`);
      const td = await ecs.send(new RegisterTaskDefinitionCommand(applyOverrides(svc.taskDefinition.input, svc).taskDefinition as never));
      arns.set(svc.key, td.taskDefinition?.taskDefinitionArn as string);
      await ecs.send(
        new CreateServiceCommand({
          cluster: svc.cluster,
          serviceName: svc.service,
          taskDefinition: arns.get(svc.key),
          ...(typeof svc.desiredCount === 'number' ? { desiredCount: svc.desiredCount } : {}),
          ...(svc.settings as Record<string, unknown>),
        } as never),
      );
    }
    await events.send(new PutRuleCommand({ Name: 'shop-nightly-report', ScheduleExpression: 'cron(0 3 * * ? *)' }));
    const target = {
      Id: 'nightly',
      Arn: `arn:aws:ecs:${REGION}:123456789012:cluster/shop-staging`,
      RoleArn: 'arn:aws:iam::123456789012:role/events-ecs',
      Input: '{"containerOverrides":[{"name":"worker","command":["./report"]}]}',
      EcsParameters: {
        TaskDefinitionArn: arns.get('worker'),
        TaskCount: 1,
        LaunchType: 'FARGATE' as const,
        NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnets[2] as string], AssignPublicIp: 'DISABLED' as const } },
      },
    };
    await events.send(new PutTargetsCommand({ Rule: 'shop-nightly-report', Targets: [target] }));
    const env = { ...moto.env, IMAGE_TAG: '2.0.0' };

    // WHEN web and worker (not api: its migration needs RunTask, see above) are applied
    const applied = await cli(['apply', '-e', 'staging', '-n', 'web', '-n', 'worker', '--yes', '--format', 'json'], cwd, env);

    // THEN both succeeded and the target names the worker's new revision, every other parameter kept
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const ev = applied.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as EngineEvent);
    expect(ev.find((e) => e.type === 'apply.finished')).toMatchObject({ outcome: 'succeeded' });
    const workerArn = ev.find((e) => e.type === 'service.finished' && e.service === 'worker');
    const newWorker = workerArn && 'taskDefinitionArn' in workerArn ? workerArn.taskDefinitionArn : undefined;
    expect(newWorker).toMatch(/shop-worker:2$/);
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: 'shop-nightly-report' }));
    expect(listed.Targets).toEqual([{ ...target, EcsParameters: { ...target.EcsParameters, TaskDefinitionArn: newWorker } }]);

    const after = await cli(['plan', '-e', 'staging', '-n', 'web', '-n', 'worker', '--detailed-exitcode'], cwd, env);
    expect(after.code).toBe(0);
  }, 120_000);
});

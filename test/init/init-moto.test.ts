// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text and interpolation syntax, not templates
/**
 * `ecsdeploy init` against moto, an AWS emulator no one here wrote, which fills in AWS's defaults its own way:
 * create services by hand through the SDK (a Fargate web service behind a target group, an EC2 bridge worker, a
 * CodeDeploy blue-green API), import the cluster with the real CLI, then plan the written manifest. No changes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import { capture } from '../_helpers/capture.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue } from '../_helpers/moto.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const SESSION_SECRET = 'moto-session-secret-9d1f';

async function cli(cwd: string, env: Record<string, string>, args: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await run(args, { env, cwd, stdout: stdout.stream, stderr: stderr.stream, isTTY: false, isCI: true });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A shop cluster created by hand: what a team has before it adopts ecsdeploy. */
async function createShop(moto: MotoServer): Promise<void> {
  const config = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const codedeploy = new CodeDeployClient(config);

  const vpcId = xmlValue(await motoEc2(moto.endpoint, { Action: 'DescribeVpcs' }), 'vpcId');
  const subnet = xmlValue(
    await motoEc2(moto.endpoint, { Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '172.31.120.0/24', AvailabilityZone: `${REGION}a` }),
    'subnetId',
  );
  const group = xmlValue(
    await motoEc2(moto.endpoint, { Action: 'CreateSecurityGroup', GroupName: 'shop', GroupDescription: 'shop', VpcId: vpcId }),
    'groupId',
  );
  const targetGroup = async (name: string) =>
    (await elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip' })))
      .TargetGroups?.[0]?.TargetGroupArn as string;
  const network = { awsvpcConfiguration: { subnets: [subnet], securityGroups: [group] } };

  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  const register = async (input: object) =>
    (await ecs.send(new RegisterTaskDefinitionCommand(input as never))).taskDefinition?.taskDefinitionArn as string;

  const web = await register({
    family: 'shop-web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'web',
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop-web:1.0.0`,
        portMappings: [{ containerPort: 8080 }],
        environment: [
          { name: 'PORT', value: '8080' },
          { name: 'SESSION_SECRET', value: SESSION_SECRET },
        ],
        secrets: [{ name: 'DB_URL', valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/db-url` }],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'] },
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/shop-web', 'awslogs-region': REGION } },
      },
    ],
    tags: [{ key: 'team', value: 'shop' }],
  });
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: 'shop-web',
      taskDefinition: web,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: network,
      loadBalancers: [{ targetGroupArn: await targetGroup('shop-web'), containerName: 'web', containerPort: 8080 }],
      enableExecuteCommand: true,
      propagateTags: 'SERVICE',
      tags: [{ key: 'team', value: 'shop' }],
    }),
  );

  const worker = await register({
    family: 'shop-worker',
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'worker',
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop-worker:1.0.0`,
        memory: 256,
        command: ['sh', '-c', 'exec ./worker --home ${HOME}'],
        portMappings: [{ containerPort: 9000, hostPort: 0 }],
      },
    ],
  });
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: 'shop-worker',
      taskDefinition: worker,
      desiredCount: 1,
      launchType: 'EC2',
      placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
    }),
  );

  const api = await register({
    family: 'shop-api',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    containerDefinitions: [
      { name: 'api', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop-api:1.0.0`, portMappings: [{ containerPort: 8080 }] },
    ],
  });
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: 'shop-api',
      taskDefinition: api,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: network,
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [{ targetGroupArn: await targetGroup('shop-api-blue'), containerName: 'api', containerPort: 8080 }],
    }),
  );
  await codedeploy.send(new CreateApplicationCommand({ applicationName: 'shop', computePlatform: 'ECS' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'shop',
      deploymentGroupName: 'shop-api',
      serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/CodeDeployECS`,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ecsServices: [{ clusterName: 'shop', serviceName: 'shop-api' }],
      // An ECS blue/green group has its target group pair (AWS requires it; plan checks it).
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: 'shop-api-blue' }, { name: 'shop-api-green' }],
            prodTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/shop/1/80`] },
          },
        ],
      },
    }),
  );
}

const available = motoAvailable();
if (!available) console.warn('init-moto: skipped, moto_server is not installed (pip install "moto[server]")');

describe.skipIf(!available)('init against moto', () => {
  let moto: MotoServer;
  const dirs: string[] = [];
  beforeAll(async () => {
    // Settled services (their deployments COMPLETED): the largest desired count below.
    moto = await startMoto({ servicesRunning: 2 });
  });
  afterAll(async () => {
    await moto?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await moto.reset();
    await createShop(moto);
  });
  const folder = () => {
    const d = mkdtempSync(join(tmpdir(), 'ecsdeploy-init-moto-'));
    dirs.push(d);
    return d;
  };

  it('imports every service of a hand-made cluster, and plan of the result shows no changes', async () => {
    const out = folder();
    const env = { ...moto.env, XDG_CACHE_HOME: join(out, '.cache') };

    // WHEN the cluster is imported (moto 5.2 lacks BatchGetDeploymentGroups, so the group is named)
    const init = await cli(out, env, ['init', '--cluster', 'shop', '--all', '--deployment-group', 'shop-api=shop/shop-api']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toBe(
      ['wrote ecs/shop-api.task.json', 'wrote ecs/shop-web.task.json', 'wrote ecs/shop-worker.task.json', 'wrote ecsdeploy.yaml', ''].join(
        '\n',
      ),
    );
    const manifest = readFileSync(join(out, 'ecsdeploy.yaml'), 'utf8');
    expect(manifest).toContain('    strategy:\n      type: blue-green\n      application: shop\n      deploymentGroup: shop-api\n');
    // moto keeps neither placementStrategy nor enableExecuteCommand, so there is nothing of them to import.
    expect(manifest).toContain('    propagateTags: SERVICE\n    tags:\n      - { key: team, value: shop }\n');
    const worker = readFileSync(join(out, 'ecs', 'shop-worker.task.json'), 'utf8');
    expect(worker).toContain('"exec ./worker --home $${HOME}"');
    expect(`${init.stdout}${init.stderr}${manifest}${readFileSync(join(out, 'ecs', 'shop-web.task.json'), 'utf8')}`).not.toContain(
      SESSION_SECRET,
    );

    // THEN planning it (with the variable init asked for) changes nothing
    const plan = await cli(out, { ...env, SESSION_SECRET }, ['plan', '--format', 'json', '--detailed-exitcode', '--no-cache']);
    expect(plan.stderr).toBe('');
    const p = JSON.parse(plan.stdout) as Plan;
    expect(p.services.map((s) => [s.key, s.strategy.type, s.action, s.changes])).toEqual([
      ['shop-api', 'blue-green', 'no-change', []],
      ['shop-web', 'rolling', 'no-change', []],
      ['shop-worker', 'rolling', 'no-change', []],
    ]);
    expect(plan.code).toBe(0);
  });

  it('stops, writing nothing, when the endpoint cannot search CodeDeploy, and says how to name the group', async () => {
    const out = folder();
    const init = await cli(out, { ...moto.env, XDG_CACHE_HOME: join(out, '.cache') }, [
      'init',
      '--cluster',
      'shop',
      '--all',
      '--max-attempts',
      '1',
    ]);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('error [CODEDEPLOY_DISCOVERY_FAILED]: could not search CodeDeploy for the deployment group of shop-api');
    expect(init.stderr).toContain('hint: name it with --deployment-group SERVICE=APPLICATION/GROUP');
    expect(init.stdout).toBe('');
  });
});

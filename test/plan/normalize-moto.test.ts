/**
 * Normalization against moto, an AWS emulator no one here wrote: register task definitions exactly as a user
 * would write them, describe them back (moto fills defaults the way AWS does: cpu 0, essential, empty arrays,
 * EFS rootDirectory...), and check that both sides normalize to the same document. Skipped when moto_server is
 * not installed.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type RegisterTaskDefinitionCommandInput,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, TaskDefinitionInput } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { diffDocuments } from '../../src/plan/diff.js';
import { toJsonObject } from '../../src/plan/json.js';
import { normalizeTaskDefinition } from '../../src/plan/normalize.js';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValues } from '../_helpers/moto.js';
import { liveState, manifest, OPTIONS, service } from './fixtures.js';

const available = motoAvailable();

const WRITTEN: TaskDefinitionInput[] = [
  {
    family: 'fargate-web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '1 vCPU',
    memory: '2 GB',
    containerDefinitions: [
      {
        name: 'web',
        image: 'nginx:1.27',
        portMappings: [{ containerPort: 80 }, { containerPort: 443, protocol: 'tcp' }],
        environment: [
          { name: 'Z_LAST', value: 'z' },
          { name: 'EMPTY', value: '' },
          { name: 'A_FIRST', value: 'a' },
        ],
        healthCheck: { command: ['CMD-SHELL', 'true'] },
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-region': 'us-east-1' } },
      },
      { name: 'sidecar', image: 'busybox', essential: false, command: ['sleep', 'infinity'] },
    ],
    volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
    tags: [{ key: 'team', value: 'shop' }],
  },
  {
    family: 'ec2-worker',
    containerDefinitions: [{ name: 'worker', image: 'busybox', memory: 256, portMappings: [{ containerPort: 8080 }], mountPoints: [] }],
    volumes: [{ name: 'scratch' }],
  },
  {
    family: 'fargate-many-fields',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '0.25 vcpu',
    memory: '0.5GB',
    ephemeralStorage: { sizeInGiB: 21 },
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    containerDefinitions: [
      {
        name: 'app',
        image: 'repo/app:1',
        memoryReservation: 128,
        healthCheck: { command: ['CMD', 'true'], startPeriod: 5 },
        ulimits: [
          { name: 'nproc', softLimit: 1024, hardLimit: 2048 },
          { name: 'nofile', softLimit: 1024, hardLimit: 4096 },
        ],
        dependsOn: [
          { containerName: 'proxy', condition: 'START' },
          { containerName: 'init', condition: 'SUCCESS' },
        ],
        secrets: [
          { name: 'B_SECRET', valueFrom: 'arn:aws:ssm:us-east-1:111122223333:parameter/b' },
          { name: 'A_SECRET', valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:a-AbCdEf' },
        ],
        linuxParameters: { initProcessEnabled: true },
        dockerLabels: { 'z.label': '', 'a.label': 'x' },
        portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }],
        environment: [{ name: 'VERSION', value: '1.10' }],
      },
      { name: 'proxy', image: 'repo/proxy:1', essential: false },
      { name: 'init', image: 'repo/init:1', essential: false, command: ['migrate', '--yes'] },
    ],
    tags: [{ key: 'empty', value: '' }],
  },
];

describe.skipIf(!available)('normalization against moto', () => {
  let moto: MotoServer;
  let ecs: ECSClient;

  beforeAll(async () => {
    moto = await startMoto();
    ecs = new ECSClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  afterAll(async () => {
    ecs?.destroy();
    await moto?.stop();
  });

  async function registerAndDescribe(td: TaskDefinitionInput): Promise<JsonObject> {
    await ecs.send(new RegisterTaskDefinitionCommand(td as unknown as RegisterTaskDefinitionCommandInput));
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td.family, include: ['TAGS'] }));
    const described = toJsonObject(out.taskDefinition);
    if (out.tags && out.tags.length > 0) described.tags = toJsonObject({ t: out.tags }).t ?? [];
    return described;
  }

  for (const written of WRITTEN) {
    it(`a task definition written minimally (${written.family}) normalizes equal to what the emulator describes`, async () => {
      const described = await registerAndDescribe(written);
      const ctx = { ignoreTags: [] };
      expect(diffDocuments(normalizeTaskDefinition(described, ctx), normalizeTaskDefinition(written, ctx), 'taskDefinition')).toEqual([]);
    });
  }

  it('a Fargate service created with partial settings plans no changes against a manifest that says the same', async () => {
    const written: TaskDefinitionInput = {
      family: 'svc-api',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'api', image: 'nginx:1', portMappings: [{ containerPort: 80 }] }],
    };
    const td = await registerAndDescribe(written);
    await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
    // moto checks subnets and security groups against its default VPC: use two subnets, in reverse order
    const subnets = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSubnets' }), 'subnetId')
      .slice(0, 2)
      .reverse();
    const securityGroups = xmlValues(await motoEc2(moto.endpoint, { Action: 'DescribeSecurityGroups' }), 'groupId').slice(0, 1);
    const settings = {
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups } },
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      healthCheckGracePeriodSeconds: 0,
      tags: [
        { key: 'team', value: 'shop' },
        { key: 'note', value: '' },
      ],
    };
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: 'api',
        taskDefinition: 'svc-api',
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: settings.networkConfiguration,
        tags: settings.tags,
      }),
    );
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['api'], include: ['TAGS'] }));
    const described = toJsonObject(out.services?.[0]);
    const live = liveState([{ key: 'api', cluster: 'shop', service: 'api', described, taskDefinition: td }]);
    const plan = buildPlan(
      manifest([
        service({
          key: 'api',
          service: 'api',
          taskDefinition: { kind: 'declared', input: written },
          desiredCount: 0,
          // moto describes no deploymentConfiguration at all (AWS always does), so none is compared here
          deployment: {},
          settings,
          ignoreTags: [],
        }),
      ]),
      live,
      OPTIONS,
    );
    expect(plan.services[0]?.changes).toEqual([]);
    expect(plan.services[0]?.action).toBe('no-change');
  });

  it('a plan against a service created by hand shows no changes, and one image change shows exactly that', async () => {
    const written: TaskDefinitionInput = {
      family: 'svc-web',
      containerDefinitions: [{ name: 'web', image: 'nginx:1', memory: 128, portMappings: [{ containerPort: 80 }] }],
    };
    const td = await registerAndDescribe(written);
    await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: 'web',
        taskDefinition: 'svc-web',
        desiredCount: 2,
        launchType: 'EC2',
        tags: [{ key: 'team', value: 'shop' }],
      }),
    );
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'], include: ['TAGS'] }));
    const described = toJsonObject(out.services?.[0]);
    const settings = {
      launchType: 'EC2',
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      schedulingStrategy: 'REPLICA',
      tags: [{ key: 'team', value: 'shop' }],
    };
    const live = liveState([{ key: 'web', cluster: 'shop', service: 'web', described, taskDefinition: td }]);
    const same = buildPlan(
      manifest([service({ taskDefinition: { kind: 'declared', input: written }, deployment: {}, settings })]),
      live,
      OPTIONS,
    );
    expect(same.services[0]?.changes).toEqual([]);
    expect(same.services[0]?.action).toBe('no-change');

    const bumped = { ...written, containerDefinitions: [{ ...written.containerDefinitions[0]!, image: 'nginx:2' }] };
    const changed = buildPlan(
      manifest([service({ taskDefinition: { kind: 'declared', input: bumped }, deployment: {}, settings })]),
      live,
      OPTIONS,
    );
    expect(changed.services[0]?.changes).toEqual([
      { scope: 'taskDefinition', path: 'containerDefinitions[web].image', kind: 'change', before: 'nginx:1', after: 'nginx:2' },
    ]);
  });
});

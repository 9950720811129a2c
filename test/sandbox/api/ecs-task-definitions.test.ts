/**
 * RegisterTaskDefinition and friends through the real SDK: what AWS refuses is refused with AWS's code and
 * message (API_RegisterTaskDefinition, API_ContainerDefinition), and what AWS fills is filled.
 */
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  type RegisterTaskDefinitionCommandInput,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

function ecs(): ECSClient {
  return new ECSClient({ ...startInProcessSandbox().sdkConfig(), maxAttempts: 1 });
}

const fargate: RegisterTaskDefinitionCommandInput = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'nginx' }],
};

async function refusal(client: ECSClient, input: RegisterTaskDefinitionCommandInput) {
  const error = await client.send(new RegisterTaskDefinitionCommand(input)).then(
    () => undefined,
    (e: Error) => e,
  );
  return { name: error?.name, message: error?.message };
}

describe('RegisterTaskDefinition refuses what AWS refuses', () => {
  it.each([
    ['no task-level cpu on Fargate', { cpu: undefined }, "Fargate requires that 'cpu' be defined at the task level."],
    ['no task-level memory on Fargate', { memory: undefined }, "Fargate requires that 'memory' be defined at the task level."],
    ['bridge networking on Fargate', { networkMode: 'bridge' as const }, "Fargate only supports network mode 'awsvpc'."],
    [
      'pidMode host on Fargate',
      { pidMode: 'host' as const },
      "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.",
    ],
    ['a cpu/memory pair Fargate does not offer', { cpu: '256', memory: '4096' }, 'No Fargate configuration exists for given values.'],
  ])('%s', async (_, change, message) => {
    expect(await refusal(ecs(), { ...fargate, ...change })).toEqual({ name: 'ClientException', message });
  });

  it('a container without memory or memoryReservation when the task sets no memory (EC2)', async () => {
    const input = {
      family: 'worker',
      containerDefinitions: [
        { name: 'main', image: 'busybox', memoryReservation: 64 },
        { name: 'sidecar', image: 'busybox' },
      ],
    };
    expect(await refusal(ecs(), input)).toEqual({
      name: 'ClientException',
      message: "Invalid setting for container 'sidecar'. At least one of 'memory' or 'memoryReservation' must be specified.",
    });
  });
});

describe('RegisterTaskDefinition fills what AWS fills', () => {
  it('converts vCPU and GB task sizes to units and MiB, and lists FARGATE among the compatibilities', async () => {
    const client = ecs();
    const out = await client.send(new RegisterTaskDefinitionCommand({ ...fargate, cpu: '1 vCPU', memory: '2 GB' }));
    expect(out.taskDefinition).toMatchObject({ cpu: '1024', memory: '2048', compatibilities: ['EC2', 'FARGATE'] });
  });

  it("mounts an EFS volume's root when no rootDirectory is given", async () => {
    const client = ecs();
    await client.send(
      new RegisterTaskDefinitionCommand({
        ...fargate,
        volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } }],
      }),
    );
    const td = (await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }))).taskDefinition;
    expect(td?.volumes).toEqual([
      { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/', transitEncryption: 'ENABLED' } },
    ]);
  });
});

describe('listing, deregistering and deleting revisions', () => {
  it('ListTaskDefinitions takes familyPrefix as the full family name: web does not list web-worker', async () => {
    const client = ecs();
    await client.send(new RegisterTaskDefinitionCommand(fargate));
    await client.send(new RegisterTaskDefinitionCommand({ ...fargate, family: 'web-worker' }));
    const out = await client.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
    expect(out.taskDefinitionArns).toEqual(['arn:aws:ecs:us-east-1:123456789012:task-definition/web:1']);
  });

  it('DeregisterTaskDefinition names what is wrong with the revision', async () => {
    const client = ecs();
    const message = (taskDefinition: string) =>
      client.send(new DeregisterTaskDefinitionCommand({ taskDefinition })).then(
        () => 'accepted',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    expect(await message('web')).toBe('ClientException: Revision is missing.');
    expect(await message('web:latest')).toBe('ClientException: Invalid revision number. Number: latest');
    expect(await message('web:1')).toBe('ClientException: Unable to describe task definition.');
  });

  it('DeleteTaskDefinitions deletes a deregistered revision and reports the others as failures', async () => {
    const client = ecs();
    await client.send(new RegisterTaskDefinitionCommand(fargate));
    await client.send(new RegisterTaskDefinitionCommand(fargate));
    await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }));
    const out = await client.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['web:1', 'web:2', 'web', 'nope:1'] }));
    expect(out.taskDefinitions?.map((t) => [t.revision, t.status])).toEqual([[1, 'DELETE_IN_PROGRESS']]);
    expect(out.failures?.map((f) => f.arn)).toEqual(['web:2', 'web', 'nope:1']);
    expect(out.failures?.[0]?.reason).toContain('still in ACTIVE status');
  });
});

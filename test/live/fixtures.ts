/**
 * Builders for resolved manifests and AWS-shaped describe outputs. The outputs follow the shapes AWS returns
 * (DescribeServices / DescribeTaskDefinition examples in the ECS API reference): defaults filled in, SDK `Date`s
 * for timestamps, read-only fields present.
 */
import type { Service, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ResolvedManifest, ResolvedService } from '../../src/model/manifest.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export function resolvedService(key: string, overrides: Partial<ResolvedService> = {}): ResolvedService {
  return {
    key,
    service: key,
    cluster: 'main',
    taskDefinition: { kind: 'declared', input: { family: key, containerDefinitions: [{ name: 'app', image: `repo/${key}:1` }] } },
    images: {},
    repositoryImages: [],
    environment: {},
    command: {},
    sensitive: [],
    desiredCount: 2,
    deployment: {},
    settings: {},
    createIfMissing: false,
    dependsOn: [],
    strategy: { type: 'rolling' },
    timeoutMs: 600_000,
    onFailure: 'rollback',
    ignoreTags: [],
    ...overrides,
  };
}

export function resolvedManifest(services: ResolvedService[]): ResolvedManifest {
  return {
    file: 'ecsdeploy.yaml',
    digest: '0'.repeat(64),
    environment: undefined,
    region: REGION,
    services,
    before: [],
    scheduledTargets: [],
    keepRevisions: 0,
    notify: { eachCall: false },
  };
}

export const taskDefinitionArn = (family: string, revision = 1) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

/** A service as DescribeServices returns it for a Fargate rolling service. */
export function describedService(name: string, cluster: string, taskDefinition: string, extra: Partial<Service> = {}): Service {
  const createdAt = new Date('2026-01-02T03:04:05.000Z');
  return {
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`,
    serviceName: name,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: [
      {
        id: 'ecs-svc/1234567890123456789',
        status: 'PRIMARY',
        taskDefinition,
        desiredCount: 2,
        pendingCount: 0,
        runningCount: 2,
        failedTasks: 0,
        createdAt,
        updatedAt: createdAt,
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0123456789abcdef0'],
            securityGroups: ['sg-0123456789abcdef0'],
            assignPublicIp: 'DISABLED',
          },
        },
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/1234567890123456789 completed.',
      },
    ],
    roleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    events: [{ id: 'e-1', createdAt, message: `(service ${name}) has reached a steady state.` }],
    createdAt,
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'], assignPublicIp: 'DISABLED' },
    },
    healthCheckGracePeriodSeconds: 0,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: [{ key: 'team', value: 'payments' }],
    createdBy: `arn:aws:iam::${ACCOUNT}:role/deployer`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
    ...extra,
  };
}

/** A task definition as DescribeTaskDefinition returns it: defaults and read-only fields included. */
export function describedTaskDefinition(family: string, revision = 1, image = `repo/${family}:1`): TaskDefinition {
  return {
    taskDefinitionArn: taskDefinitionArn(family, revision),
    containerDefinitions: [
      {
        name: 'app',
        image,
        cpu: 0,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        essential: true,
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
      },
    ],
    family,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    networkMode: 'awsvpc',
    revision,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }, { name: 'ecs.capability.task-eni' }],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    registeredAt: new Date('2026-01-01T00:00:00.000Z'),
    registeredBy: `arn:aws:iam::${ACCOUNT}:role/deployer`,
  };
}

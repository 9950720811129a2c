/**
 * Fixtures shaped like real AWS output (DescribeTaskDefinition / DescribeServices with include=TAGS, dates as
 * ISO strings as src/live/ hands them over), with every default AWS fills in, and builders for the manifest side.
 */
import type { LiveServiceState, LiveState } from '../../src/model/live.js';
import type { ResolvedManifest, ResolvedService } from '../../src/model/manifest.js';
import type { JsonObject, TaskDefinitionInput } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import type { Plan } from '../../src/plan/types.js';

export const IMAGE_V1 = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v1';
export const IMAGE_V2 = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v2';
export const TD_ARN = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-web:7';
export const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:111122223333:service/shop/web';

/** What a user writes: the minimal RegisterTaskDefinition input for the described definition below. */
export function minimalTaskDefinition(): TaskDefinitionInput {
  return {
    family: 'shop-web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '0.5 vCPU',
    memory: '1 GB',
    executionRoleArn: 'arn:aws:iam::111122223333:role/shop-exec',
    taskRoleArn: 'arn:aws:iam::111122223333:role/shop-web',
    containerDefinitions: [
      {
        name: 'web',
        image: IMAGE_V1,
        portMappings: [{ containerPort: 8080 }, { containerPort: 9090, protocol: 'udp' }],
        environment: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'EMPTY_ON_PURPOSE', value: '' },
          { name: 'DB_PASSWORD', value: 'hunter2' },
          { name: 'APP_ENV', value: 'production' },
        ],
        secrets: [{ name: 'STRIPE_KEY', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/stripe' }],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], startPeriod: 10 },
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-stream-prefix': 'web', 'awslogs-group': '/ecs/shop-web', 'awslogs-region': 'eu-west-1' },
        },
        dockerLabels: { team: 'shop', 'com.example.tier': 'frontend' },
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
      },
      {
        name: 'envoy',
        image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29',
        essential: false,
        memoryReservation: 128,
      },
    ],
    volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123' } }, { name: 'scratch' }],
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    tags: [
      { key: 'team', value: 'shop' },
      { key: 'cost-center', value: '42' },
    ],
  };
}

/** What DescribeTaskDefinition (include TAGS) returns for it, `tags` folded in as src/live/ does. */
export function describedTaskDefinition(): JsonObject {
  return {
    taskDefinitionArn: TD_ARN,
    containerDefinitions: [
      {
        name: 'envoy',
        image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29',
        cpu: 0,
        memoryReservation: 128,
        portMappings: [],
        essential: false,
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
      },
      {
        name: 'web',
        image: IMAGE_V1,
        cpu: 0,
        portMappings: [
          { containerPort: 9090, hostPort: 9090, protocol: 'udp' },
          { containerPort: 8080, hostPort: 8080, protocol: 'tcp' },
        ],
        essential: true,
        environment: [
          { name: 'APP_ENV', value: 'production' },
          { name: 'DB_PASSWORD', value: 'hunter2' },
          { name: 'EMPTY_ON_PURPOSE', value: '' },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
        environmentFiles: [],
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
        volumesFrom: [],
        secrets: [{ name: 'STRIPE_KEY', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/stripe' }],
        dockerLabels: { 'com.example.tier': 'frontend', team: 'shop' },
        ulimits: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/shop-web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'web' },
          secretOptions: [],
        },
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 10,
        },
        systemControls: [],
      },
    ],
    family: 'shop-web',
    taskRoleArn: 'arn:aws:iam::111122223333:role/shop-web',
    executionRoleArn: 'arn:aws:iam::111122223333:role/shop-exec',
    networkMode: 'awsvpc',
    revision: 7,
    volumes: [
      { name: 'scratch', host: {} },
      { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123', rootDirectory: '/', transitEncryption: 'DISABLED' } },
    ],
    status: 'ACTIVE',
    requiresAttributes: [
      { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
      { name: 'ecs.capability.execution-role-awslogs' },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' },
      { name: 'ecs.capability.efsAuth' },
      { name: 'ecs.capability.secrets.ssm.environment-variables' },
      { name: 'com.amazonaws.ecs.capability.task-iam-role' },
      { name: 'ecs.capability.container-health-check' },
      { name: 'ecs.capability.task-eni' },
    ],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    registeredAt: '2026-11-20T09:12:44.123Z',
    registeredBy: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
    tags: [
      { key: 'cost-center', value: '42' },
      { key: 'ecsdeploy:manifest-digest', value: 'abc123' },
      { key: 'ecsdeploy:git-commit', value: 'deadbeef' },
      { key: 'team', value: 'shop' },
    ],
  };
}

/** What DescribeServices (include TAGS) returns for a healthy rolling service. */
export function describedService(overrides: JsonObject = {}): JsonObject {
  return {
    serviceArn: SERVICE_ARN,
    serviceName: 'web',
    clusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/shop',
    loadBalancers: [
      {
        targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/abc',
        containerName: 'web',
        containerPort: 8080,
      },
    ],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: TD_ARN,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: { alarmNames: [], rollback: false, enable: false },
      strategy: 'ROLLING',
    },
    deployments: [
      {
        id: 'ecs-svc/1234567890123456789',
        status: 'PRIMARY',
        taskDefinition: TD_ARN,
        desiredCount: 2,
        pendingCount: 0,
        runningCount: 2,
        failedTasks: 0,
        createdAt: '2026-11-20T09:13:01.000Z',
        updatedAt: '2026-11-20T09:16:40.000Z',
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        platformFamily: 'Linux',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
        },
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/1234567890123456789 completed.',
      },
    ],
    roleArn: 'arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
    events: [
      {
        id: 'e1',
        createdAt: '2026-11-20T09:16:40.000Z',
        message: '(service web) has reached a steady state.',
      },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
    },
    healthCheckGracePeriodSeconds: 30,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: [
      { key: 'team', value: 'shop' },
      { key: 'terraform-owner', value: 'infra' },
    ],
    createdBy: 'arn:aws:iam::111122223333:role/admin',
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false,
    availabilityZoneRebalancing: 'ENABLED',
    ...overrides,
  };
}

export function service(overrides: Partial<ResolvedService> = {}): ResolvedService {
  return {
    key: 'web',
    service: 'web',
    cluster: 'shop',
    taskDefinition: { kind: 'declared', input: minimalTaskDefinition() },
    images: {},
    repositoryImages: [],
    environment: {},
    command: {},
    sensitive: [],
    desiredCount: 2,
    deployment: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
    settings: {
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'] } },
      healthCheckGracePeriodSeconds: 30,
      propagateTags: 'SERVICE',
      enableExecuteCommand: false,
      tags: [{ key: 'team', value: 'shop' }],
    },
    createIfMissing: false,
    dependsOn: [],
    strategy: { type: 'rolling' },
    timeoutMs: 1_200_000,
    onFailure: 'rollback',
    ignoreTags: ['terraform-owner'],
    ...overrides,
  };
}

export function manifest(services: ResolvedService[], overrides: Partial<ResolvedManifest> = {}): ResolvedManifest {
  return {
    file: 'ecsdeploy.yaml',
    digest: 'a'.repeat(64),
    environment: 'production',
    region: 'eu-west-1',
    services,
    before: [],
    scheduledTargets: [],
    keepRevisions: 10,
    notify: { eachCall: false },
    ...overrides,
  };
}

export function liveService(overrides: Partial<LiveServiceState> = {}): LiveServiceState {
  return {
    key: 'web',
    cluster: 'shop',
    service: 'web',
    described: describedService(),
    taskDefinition: describedTaskDefinition(),
    ...overrides,
  };
}

export function liveState(services: LiveServiceState[], overrides: Partial<LiveState> = {}): LiveState {
  return {
    services,
    preflight: [],
    calls: { 'ECS.DescribeServices': 1, 'ECS.DescribeTaskDefinition': services.length },
    ...overrides,
  };
}

export const OPTIONS = { now: '2026-11-22T12:00:00.000Z', toolVersion: '0.1.0-test' };

/** The fixture's live DB_PASSWORD is `hunter2`; the manifest changes it and adds a marked variable. */
export function sensitivePlan(): Plan {
  const td = minimalTaskDefinition();
  const web = td.containerDefinitions[0]!;
  web.environment = web.environment!.map((e) => (e.name === 'DB_PASSWORD' ? { ...e, value: 'correct-horse' } : e));
  web.environment.push({ name: 'STRIPE_WEBHOOK', value: 'whsec_live_42' });
  return buildPlan(
    manifest([service({ taskDefinition: { kind: 'declared', input: td }, sensitive: ['STRIPE_WEBHOOK'] })], {
      before: [
        {
          name: 'migrate',
          taskDefinitionOf: 'web',
          command: ['migrate'],
          environment: { MIGRATION_TOKEN: 'tok_9', MODE: 'up' },
          timeoutMs: 1,
        },
      ],
    }),
    liveState([liveService()]),
    OPTIONS,
  );
}

export const SECRET_VALUES = ['hunter2', 'correct-horse', 'whsec_live_42', 'tok_9'];

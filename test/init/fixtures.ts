// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax and shell text, not templates
/**
 * Live services as AWS describes them (DescribeServices / DescribeTaskDefinition output shapes, defaults and
 * read-only fields filled), chosen for what `init` must get right: an EC2 bridge service with dynamic host ports,
 * a shell variable in a command, a plain password and a log token, defaults ECS filled, tags AWS reserves, a
 * daemon, a capacity-provider service with deployment alarms, and a CodeDeploy service.
 */
import type { JsonObject } from '../../src/model/task-definition.js';
import type { LiveServiceToImport } from '../../src/plan/import-manifest.js';

const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const CLUSTER = 'shop';

export const SECRET_PASSWORD = 'hunter2-plain-in-the-task-definition';
export const SECRET_TOKEN = 'splunk-token-0f3a9c2e';

const tdArn = (family: string, revision: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

/** The read-only and default-filled members every described task definition carries. */
function described(family: string, revision: number, rest: JsonObject): JsonObject {
  return {
    taskDefinitionArn: tdArn(family, revision),
    family,
    revision,
    status: 'ACTIVE',
    volumes: [],
    placementConstraints: [],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    compatibilities: ['EC2'],
    registeredAt: '2026-01-01T00:00:00.000Z',
    registeredBy: `arn:aws:iam::${ACCOUNT}:role/deployer`,
    ...rest,
  };
}

/** An EC2 bridge-mode worker: dynamic host port, `${HOME}` in its command, a plain password, a log token. */
export function workerTaskDefinition(revision = 3, image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/worker:2.1.0`): JsonObject {
  return described('worker', revision, {
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'worker',
        image,
        cpu: 0,
        memory: 512,
        essential: true,
        command: ['sh', '-c', 'exec ./worker --home ${HOME}'],
        portMappings: [{ containerPort: 9000, hostPort: 0, protocol: 'tcp' }],
        environment: [
          { name: 'QUEUE', value: 'orders' },
          { name: 'DB_PASSWORD', value: SECRET_PASSWORD },
          { name: 'EMPTY_ON_PURPOSE', value: '' },
        ],
        secrets: [{ name: 'API_KEY', valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/worker/api-key` }],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
        healthCheck: { command: ['CMD', './health'], interval: 30, timeout: 5, retries: 3 },
        logConfiguration: {
          logDriver: 'splunk',
          options: { 'splunk-url': 'https://splunk.example.com:8088', 'splunk-token': SECRET_TOKEN },
          secretOptions: [],
        },
      },
      {
        name: 'sidecar',
        image: 'public.ecr.aws/docker/library/busybox:1.36',
        cpu: 0,
        memory: 64,
        essential: false,
        environment: [],
        mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false }],
        volumesFrom: [],
      },
    ],
    volumes: [{ name: 'scratch', host: {}, configuredAtLaunch: false }],
    requiresCompatibilities: ['EC2'],
    enableFaultInjection: false,
    tags: [
      { key: 'team', value: 'orders' },
      { key: 'aws:cloudformation:stack-name', value: 'legacy' },
      { key: 'ecsdeploy:manifest-digest', value: 'abc' },
    ],
  });
}

function webTaskDefinition(revision = 7): JsonObject {
  return described('web', revision, {
    networkMode: 'awsvpc',
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: 'web',
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.4.2`,
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
        environment: [{ name: 'PORT', value: '8080' }],
        mountPoints: [],
        volumesFrom: [],
        versionConsistency: 'enabled',
      },
    ],
  });
}

const serviceArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`;

function service(name: string, taskDefinition: string, rest: JsonObject): JsonObject {
  return {
    serviceArn: serviceArn(name),
    serviceName: name,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    runningCount: 2,
    pendingCount: 0,
    taskDefinition,
    deployments: [],
    events: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    createdBy: `arn:aws:iam::${ACCOUNT}:role/deployer`,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    healthCheckGracePeriodSeconds: 0,
    availabilityZoneRebalancing: 'DISABLED',
    tags: [],
    ...rest,
  };
}

export function workerService(): LiveServiceToImport {
  return {
    described: service('worker', tdArn('worker', 3), {
      desiredCount: 2,
      launchType: 'EC2',
      deploymentConfiguration: {
        deploymentCircuitBreaker: {
          enable: true,
          rollback: true,
          resetOnHealthyTask: true,
          thresholdConfiguration: { type: 'BOUNDED_PERCENT', value: 50 },
        },
        maximumPercent: 200,
        minimumHealthyPercent: 50,
        alarms: { alarmNames: [], enable: false, rollback: false },
        strategy: 'ROLLING',
        bakeTimeInMinutes: 0,
      },
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      propagateTags: 'SERVICE',
      tags: [
        { key: 'team', value: 'orders' },
        { key: 'aws:cloudformation:stack-id', value: 'x' },
      ],
    }),
    taskDefinition: workerTaskDefinition(),
    deploymentGroups: [],
  };
}

export function webService(): LiveServiceToImport {
  return {
    described: service('web', tdArn('web', 7), {
      desiredCount: 4,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
      ],
      platformVersion: 'LATEST',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0b', 'subnet-0a'], securityGroups: ['sg-01'], assignPublicIp: 'DISABLED' },
      },
      loadBalancers: [
        {
          targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/0123456789abcdef`,
          containerName: 'web',
          containerPort: 8080,
        },
      ],
      healthCheckGracePeriodSeconds: 60,
      enableExecuteCommand: true,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
      },
      serviceConnectConfiguration: { enabled: true, namespace: 'shop' },
    }),
    taskDefinition: webTaskDefinition(),
    deploymentGroups: [],
  };
}

export function agentService(): LiveServiceToImport {
  return {
    described: service('agent', tdArn('worker', 3), {
      desiredCount: 3,
      launchType: 'EC2',
      schedulingStrategy: 'DAEMON',
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 },
    }),
    // The same revision as the worker: one file for both.
    taskDefinition: workerTaskDefinition(),
    deploymentGroups: [],
  };
}

export function blueGreenService(groups = [{ application: 'orders', deploymentGroup: 'orders-api' }]): LiveServiceToImport {
  return {
    described: service('orders-api', tdArn('web', 7), {
      desiredCount: 3,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      deploymentController: { type: 'CODE_DEPLOY' },
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-01'], assignPublicIp: 'ENABLED' } },
      loadBalancers: [
        {
          targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/orders-green/0123456789abcdef`,
          containerName: 'web',
          containerPort: 8080,
        },
      ],
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      taskSets: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: tdArn('web', 7) }],
    }),
    taskDefinition: webTaskDefinition(),
    deploymentGroups: groups,
  };
}

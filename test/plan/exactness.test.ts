/**
 * The plan must be exact: what a user writes, compared with what DescribeTaskDefinition / DescribeServices really
 * return for it, shows no change; any real difference shows as one. Each case pairs a user-written side with an
 * AWS-shaped side (every default AWS fills in, arrays in AWS's order).
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedService } from '../../src/model/manifest.js';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { diffDocuments } from '../../src/plan/diff.js';
import { normalizeTaskDefinition } from '../../src/plan/normalize.js';
import { describedService, liveService, liveState, manifest, OPTIONS, service } from './fixtures.js';

const ctx = { ignoreTags: [] as string[] };

function tdChanges(written: unknown, described: unknown) {
  return diffDocuments(normalizeTaskDefinition(described, ctx), normalizeTaskDefinition(written, ctx), 'taskDefinition');
}

/** A Fargate task definition as written, with one container. */
function written(container: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    family: 'f',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [container],
    ...extra,
  };
}

/** The same as DescribeTaskDefinition returns it: read-only fields, container defaults and empty lists filled in. */
function described(container: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/f:3',
    revision: 3,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
    registeredAt: '2026-11-20T09:12:44.123Z',
    registeredBy: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
    volumes: [],
    placementConstraints: [],
    ...written(
      {
        cpu: 0,
        essential: true,
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        portMappings: [],
        systemControls: [],
        ...container,
      },
      extra,
    ),
  };
}

function servicePlan(svc: Partial<ResolvedService>, live: JsonObject = {}) {
  const plan = buildPlan(manifest([service(svc)]), liveState([liveService({ described: describedService(live) })]), OPTIONS);
  return plan.services[0]!;
}

describe('task definitions as written against what DescribeTaskDefinition returns', () => {
  const cases: [string, JsonObject, JsonObject, JsonObject?, JsonObject?][] = [
    ['memoryReservation', { name: 'a', image: 'i', memoryReservation: 128 }, { name: 'a', image: 'i', memoryReservation: 128 }],
    [
      'a health check with only a command',
      { name: 'a', image: 'i', healthCheck: { command: ['CMD', 'true'] } },
      { name: 'a', image: 'i', healthCheck: { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 } },
    ],
    [
      'ulimits in another order',
      {
        name: 'a',
        image: 'i',
        ulimits: [
          { name: 'nproc', softLimit: 1, hardLimit: 2 },
          { name: 'nofile', softLimit: 1, hardLimit: 2 },
        ],
      },
      {
        name: 'a',
        image: 'i',
        ulimits: [
          { name: 'nofile', softLimit: 1, hardLimit: 2 },
          { name: 'nproc', softLimit: 1, hardLimit: 2 },
        ],
      },
    ],
    [
      'container dependsOn in another order',
      {
        name: 'a',
        image: 'i',
        dependsOn: [
          { containerName: 'z', condition: 'START' },
          { containerName: 'b', condition: 'HEALTHY' },
        ],
      },
      {
        name: 'a',
        image: 'i',
        dependsOn: [
          { containerName: 'b', condition: 'HEALTHY' },
          { containerName: 'z', condition: 'START' },
        ],
      },
    ],
    [
      'secrets by valueFrom in another order',
      {
        name: 'a',
        image: 'i',
        secrets: [
          { name: 'B', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/b' },
          { name: 'A', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf' },
        ],
      },
      {
        name: 'a',
        image: 'i',
        secrets: [
          { name: 'A', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf' },
          { name: 'B', valueFrom: 'arn:aws:ssm:eu-west-1:111122223333:parameter/b' },
        ],
      },
    ],
    [
      'log options in another key order and empty secretOptions',
      { name: 'a', image: 'i', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'r', 'awslogs-group': 'g' } } },
      {
        name: 'a',
        image: 'i',
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g', 'awslogs-region': 'r' }, secretOptions: [] },
      },
    ],
    [
      'a named port mapping with appProtocol',
      { name: 'a', image: 'i', portMappings: [{ name: 'http', containerPort: 80, appProtocol: 'http' }] },
      { name: 'a', image: 'i', portMappings: [{ name: 'http', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }] },
    ],
    [
      'linuxParameters with empty lists filled in',
      { name: 'a', image: 'i', linuxParameters: { initProcessEnabled: true } },
      { name: 'a', image: 'i', linuxParameters: { initProcessEnabled: true, capabilities: {}, devices: [], tmpfs: [] } },
    ],
    [
      'a docker label whose value is empty',
      { name: 'a', image: 'i', dockerLabels: { x: '' } },
      { name: 'a', image: 'i', dockerLabels: { x: '' } },
    ],
    [
      'an enabled restart policy',
      { name: 'a', image: 'i', restartPolicy: { enabled: true } },
      { name: 'a', image: 'i', restartPolicy: { enabled: true, ignoredExitCodes: [], restartAttemptPeriod: 300 } },
    ],
    ['ephemeralStorage', { name: 'a', image: 'i' }, { name: 'a', image: 'i' }, { ephemeralStorage: { sizeInGiB: 21 } }],
    ['task cpu and memory as numbers', { name: 'a', image: 'i' }, { name: 'a', image: 'i' }, { cpu: 256, memory: 512 }, {}],
    ['`0.25 vcpu` and `0.5GB`', { name: 'a', image: 'i' }, { name: 'a', image: 'i' }, { cpu: '0.25 vcpu', memory: '0.5GB' }, {}],
    [
      '`1vcpu` and `2GB`',
      { name: 'a', image: 'i' },
      { name: 'a', image: 'i' },
      { cpu: '1vcpu', memory: '2GB' },
      { cpu: '1024', memory: '2048' },
    ],
    ['a task tag whose value is empty', { name: 'a', image: 'i' }, { name: 'a', image: 'i' }, { tags: [{ key: 'k', value: '' }] }],
    [
      'enableFaultInjection and volume configuredAtLaunch described as false',
      { name: 'a', image: 'i' },
      { name: 'a', image: 'i' },
      { volumes: [{ name: 'scratch' }] },
      { enableFaultInjection: false, volumes: [{ name: 'scratch', host: {}, configuredAtLaunch: false }] },
    ],
    [
      'mount points and volumesFrom described with readOnly false',
      { name: 'a', image: 'i', mountPoints: [{ sourceVolume: 'scratch', containerPath: '/s' }], volumesFrom: [{ sourceContainer: 'b' }] },
      {
        name: 'a',
        image: 'i',
        mountPoints: [{ sourceVolume: 'scratch', containerPath: '/s', readOnly: false }],
        volumesFrom: [{ sourceContainer: 'b', readOnly: false }],
      },
    ],
  ];
  for (const [what, mine, theirs, extra, liveExtra] of cases) {
    it(`shows no change for ${what}`, () => {
      expect(tdChanges(written(mine, extra), described(theirs, liveExtra ?? extra))).toEqual([]);
    });
  }

  it('shows no change for a bridge-mode port mapping without a host port, which AWS returns as host port 0', () => {
    const mine = { family: 'f', containerDefinitions: [{ name: 'a', image: 'i', memory: 128, portMappings: [{ containerPort: 80 }] }] };
    const theirs = {
      family: 'f',
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'a',
          image: 'i',
          memory: 128,
          cpu: 0,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        },
      ],
    };
    expect(tdChanges(mine, theirs)).toEqual([]);
  });

  const real: [string, JsonObject, JsonObject][] = [
    ['the order of command arguments', { name: 'a', image: 'i', command: ['a', 'b'] }, { name: 'a', image: 'i', command: ['b', 'a'] }],
    [
      'the order of environment files (later ones win)',
      {
        name: 'a',
        image: 'i',
        environmentFiles: [
          { value: 'arn:aws:s3:::b/1.env', type: 's3' },
          { value: 'arn:aws:s3:::b/2.env', type: 's3' },
        ],
      },
      {
        name: 'a',
        image: 'i',
        environmentFiles: [
          { value: 'arn:aws:s3:::b/2.env', type: 's3' },
          { value: 'arn:aws:s3:::b/1.env', type: 's3' },
        ],
      },
    ],
    ['essential: false', { name: 'a', image: 'i', essential: false }, { name: 'a', image: 'i' }],
    [
      'an environment variable set to the empty string',
      { name: 'a', image: 'i', environment: [{ name: 'X', value: '' }] },
      { name: 'a', image: 'i' },
    ],
    [
      'a read-only mount point',
      { name: 'a', image: 'i', mountPoints: [{ sourceVolume: 'v', containerPath: '/v', readOnly: true }] },
      { name: 'a', image: 'i', mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] },
    ],
  ];
  for (const [what, mine, theirs] of real) {
    it(`shows a change for ${what}`, () => {
      expect(tdChanges(written(mine), written(theirs))).not.toEqual([]);
    });
  }
});

describe('service settings as written against what DescribeServices returns', () => {
  it('plans an update when the manifest reverses placementStrategy, which ECS applies in order', () => {
    const spread = { type: 'spread', field: 'attribute:ecs.availability-zone' };
    const binpack = { type: 'binpack', field: 'memory' };
    const web = servicePlan(
      { settings: { launchType: 'EC2', placementStrategy: [binpack, spread] } },
      { launchType: 'EC2', placementStrategy: [spread, binpack] },
    );
    expect(web.action).toBe('update');
    expect(web.changes).toEqual([
      { scope: 'service', path: 'placementStrategy', kind: 'change', before: [spread, binpack], after: [binpack, spread] },
    ]);
  });
});

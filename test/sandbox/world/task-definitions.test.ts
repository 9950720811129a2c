import { describe, expect, it } from 'vitest';
import { SandboxApiError } from '../../../src/sandbox/world/index.js';
import { type Json, newWorld } from './helpers.js';

describe('task definitions', () => {
  it('fills the defaults AWS shows on describe and passes unknown members through', () => {
    const { world } = newWorld();
    const out = world.dispatch('ecs', 'RegisterTaskDefinition', {
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      runtimePlatform: { cpuArchitecture: 'ARM64' },
      containerDefinitions: [{ name: 'app', image: 'repo/web:1', portMappings: [{ containerPort: 8080 }], futureField: { x: 1 } }],
      tags: [{ key: 'team', value: 'shop' }],
    });
    const td = out.taskDefinition as Json;
    expect(td).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      family: 'web',
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      compatibilities: ['EC2', 'FARGATE'],
      runtimePlatform: { cpuArchitecture: 'ARM64' },
      volumes: [],
      placementConstraints: [],
    });
    expect(td.registeredAt).toBeInstanceOf(Date);
    expect(td.requiresAttributes).toEqual(expect.arrayContaining([{ name: 'ecs.capability.task-eni' }]));
    expect((td.containerDefinitions as Json[])[0]).toEqual({
      name: 'app',
      image: 'repo/web:1',
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      futureField: { x: 1 },
    });
    expect(out.tags).toEqual([{ key: 'team', value: 'shop' }]);
    const described = world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: 'web', include: ['TAGS'] });
    expect(described.tags).toEqual([{ key: 'team', value: 'shop' }]);
    expect(world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: 'web:1' }).tags).toBeUndefined();
  });

  it('defaults the network mode to bridge and does not fill host ports there', () => {
    const { world } = newWorld();
    const td = world.dispatch('ecs', 'RegisterTaskDefinition', {
      family: 'worker',
      containerDefinitions: [{ name: 'w', image: 'repo/w:1', memory: 128, portMappings: [{ containerPort: 80 }] }],
    }).taskDefinition as Json;
    expect(td.networkMode).toBe('bridge');
    expect(td.compatibilities).toEqual(['EC2']);
    expect(((td.containerDefinitions as Json[])[0] as Json).portMappings).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
  });

  it('numbers revisions, deregisters to INACTIVE and lists by family prefix, status and sort order', () => {
    const { world } = newWorld();
    for (const image of ['a:1', 'a:2', 'a:3'])
      world.dispatch('ecs', 'RegisterTaskDefinition', { family: 'api', containerDefinitions: [{ name: 'c', image, memory: 64 }] });
    world.dispatch('ecs', 'RegisterTaskDefinition', { family: 'web', containerDefinitions: [{ name: 'c', image: 'w:1', memory: 64 }] });
    const dereg = world.dispatch('ecs', 'DeregisterTaskDefinition', { taskDefinition: 'api:1' }).taskDefinition as Json;
    expect(dereg.status).toBe('INACTIVE');
    const arn = (n: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${n}`;
    expect(world.dispatch('ecs', 'ListTaskDefinitions', { familyPrefix: 'api' }).taskDefinitionArns).toEqual([arn('api:2'), arn('api:3')]);
    expect(world.dispatch('ecs', 'ListTaskDefinitions', { familyPrefix: 'api', status: 'INACTIVE' }).taskDefinitionArns).toEqual([
      arn('api:1'),
    ]);
    expect(world.dispatch('ecs', 'ListTaskDefinitions', { sort: 'DESC' }).taskDefinitionArns).toEqual([
      arn('web:1'),
      arn('api:3'),
      arn('api:2'),
    ]);
    const page = world.dispatch('ecs', 'ListTaskDefinitions', { maxResults: 2 });
    expect(page.taskDefinitionArns).toHaveLength(2);
    expect(world.dispatch('ecs', 'ListTaskDefinitions', { maxResults: 2, nextToken: page.nextToken }).taskDefinitionArns).toEqual([
      arn('web:1'),
    ]);
    // A family name alone describes the latest ACTIVE revision.
    expect((world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: 'api' }).taskDefinition as Json).revision).toBe(3);
  });

  it('answers unknown task definitions and operations with AWS error codes', () => {
    const { world } = newWorld();
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof SandboxApiError ? e.code : 'other';
      }
      return 'none';
    };
    expect(fail(() => world.dispatch('ecs', 'DescribeTaskDefinition', { taskDefinition: 'nope:1' }))).toBe('ClientException');
    expect(fail(() => world.dispatch('ecs', 'RegisterTaskDefinition', { family: 'x', containerDefinitions: [] }))).toBe('ClientException');
    expect(fail(() => world.dispatch('ecs', 'DescribeServices', { cluster: 'missing', services: ['a'] }))).toBe('ClusterNotFoundException');
    expect(fail(() => world.dispatch('ecs', 'Frobnicate', {}))).toBe('UnknownOperationException');
  });

  it('tags and untags services and task definitions', () => {
    const { world } = newWorld();
    const td = world.dispatch('ecs', 'RegisterTaskDefinition', {
      family: 'x',
      containerDefinitions: [{ name: 'c', image: 'i', memory: 64 }],
    }).taskDefinition as Json;
    const arn = String(td.taskDefinitionArn);
    world.dispatch('ecs', 'TagResource', { resourceArn: arn, tags: [{ key: 'ecsdeploy:deployed', value: 'yes' }] });
    expect(world.dispatch('ecs', 'ListTagsForResource', { resourceArn: arn }).tags).toEqual([{ key: 'ecsdeploy:deployed', value: 'yes' }]);
    world.dispatch('ecs', 'UntagResource', { resourceArn: arn, tagKeys: ['ecsdeploy:deployed'] });
    expect(world.dispatch('ecs', 'ListTagsForResource', { resourceArn: arn }).tags).toEqual([]);
  });
});

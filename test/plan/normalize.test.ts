import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/task-definition.js';
import { diffDocuments } from '../../src/plan/diff.js';
import { normalizeServiceDocument, normalizeTaskCpu, normalizeTaskDefinition, normalizeTaskMemory } from '../../src/plan/normalize.js';
import { describedTaskDefinition, minimalTaskDefinition } from './fixtures.js';

const ctx = { ignoreTags: [] as string[] };

function container(td: JsonObject, name: string): JsonObject {
  const list = td.containerDefinitions as JsonObject[];
  const c = list.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

describe('normalizeTaskDefinition', () => {
  it('makes a minimally written definition equal to what DescribeTaskDefinition returns for it', () => {
    const desired = normalizeTaskDefinition(minimalTaskDefinition(), ctx);
    const live = normalizeTaskDefinition(describedTaskDefinition(), ctx);
    expect(diffDocuments(live, desired, 'taskDefinition')).toEqual([]);
    expect(JSON.stringify(desired)).toBe(JSON.stringify(live));
  });

  it('strips exactly the read-only fields and keeps unknown and newer fields', () => {
    const live = normalizeTaskDefinition({ ...describedTaskDefinition(), enableFaultInjection: true, futureField: { a: 1 } }, ctx);
    for (const f of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy']) {
      expect(live).not.toHaveProperty(f);
    }
    expect(live.enableFaultInjection).toBe(true);
    expect(live.futureField).toEqual({ a: 1 });
  });

  it('converts task cpu and memory units to the numeric strings ECS stores', () => {
    expect(normalizeTaskCpu('1 vCPU')).toBe('1024');
    expect(normalizeTaskCpu('0.5 vCPU')).toBe('512');
    expect(normalizeTaskCpu('0.25 vcpu')).toBe('256');
    expect(normalizeTaskCpu(512)).toBe('512');
    expect(normalizeTaskCpu('2048')).toBe('2048');
    expect(normalizeTaskMemory('2 GB')).toBe('2048');
    expect(normalizeTaskMemory('0.5GB')).toBe('512');
    expect(normalizeTaskMemory(512)).toBe('512');
    expect(normalizeTaskMemory('3072')).toBe('3072');
    const td = normalizeTaskDefinition({ family: 'f', containerDefinitions: [], cpu: '1 vCPU', memory: '2 GB' }, ctx);
    expect([td.cpu, td.memory]).toEqual(['1024', '2048']);
  });

  it('keeps environment variables whose value is an empty string', () => {
    const td = normalizeTaskDefinition(minimalTaskDefinition(), ctx);
    expect(container(td, 'web').environment).toContainEqual({ name: 'EMPTY_ON_PURPOSE', value: '' });
    const withoutEmpty = minimalTaskDefinition();
    withoutEmpty.containerDefinitions[0]!.environment = withoutEmpty.containerDefinitions[0]!.environment!.filter((e) => e.value !== '');
    const changes = diffDocuments(td, normalizeTaskDefinition(withoutEmpty, ctx), 'taskDefinition');
    expect(changes).toEqual([
      {
        scope: 'taskDefinition',
        path: 'containerDefinitions[web].environment[EMPTY_ON_PURPOSE]',
        kind: 'remove',
        before: { name: 'EMPTY_ON_PURPOSE', value: '' },
      },
    ]);
  });

  it('sorts what AWS reorders: containers, environment, secrets, ports, mounts, volumes, constraints, compatibilities, tags, proxy properties', () => {
    const base = {
      family: 'f',
      requiresCompatibilities: ['FARGATE', 'EC2'],
      placementConstraints: [
        { type: 'memberOf', expression: 'b' },
        { type: 'memberOf', expression: 'a' },
      ],
      proxyConfiguration: {
        containerName: 'envoy',
        properties: [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
      },
      volumes: [{ name: 'z' }, { name: 'a', host: { sourcePath: '/a' } }],
      tags: [
        { key: 'z', value: '1' },
        { key: 'a', value: '2' },
      ],
      containerDefinitions: [
        {
          name: 'b',
          image: 'i',
          environment: [
            { name: 'Z', value: '1' },
            { name: 'A', value: '2' },
          ],
          secrets: [
            { name: 'Y', valueFrom: 'arn:y' },
            { name: 'X', valueFrom: 'arn:x' },
          ],
          portMappings: [{ containerPort: 9 }, { containerPort: 1 }],
          mountPoints: [
            { sourceVolume: 'z', containerPath: '/z' },
            { sourceVolume: 'a', containerPath: '/a' },
          ],
          volumesFrom: [{ sourceContainer: 'y' }, { sourceContainer: 'x' }],
        },
        { name: 'a', image: 'i' },
      ],
    };
    const reversed = JSON.parse(JSON.stringify(base));
    for (const k of ['requiresCompatibilities', 'placementConstraints', 'volumes', 'tags', 'containerDefinitions']) reversed[k].reverse();
    reversed.proxyConfiguration.properties.reverse();
    for (const k of ['environment', 'secrets', 'portMappings', 'mountPoints', 'volumesFrom']) reversed.containerDefinitions[1][k].reverse();
    const a = normalizeTaskDefinition(base, ctx);
    const b = normalizeTaskDefinition(reversed, ctx);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect((a.containerDefinitions as JsonObject[]).map((c) => c.name)).toEqual(['a', 'b']);
    expect((container(a, 'b').environment as JsonObject[]).map((e) => e.name)).toEqual(['A', 'Z']);
    expect(a.requiresCompatibilities).toEqual(['EC2', 'FARGATE']);
  });

  it('keeps the order of arrays whose order matters (command, entryPoint, dnsServers)', () => {
    const td = normalizeTaskDefinition(
      {
        family: 'f',
        containerDefinitions: [{ name: 'a', image: 'i', command: ['b', 'a'], entryPoint: ['z', 'y'], dnsServers: ['9.9.9.9', '1.1.1.1'] }],
      },
      ctx,
    );
    expect(container(td, 'a').command).toEqual(['b', 'a']);
    expect(container(td, 'a').entryPoint).toEqual(['z', 'y']);
    expect(container(td, 'a').dnsServers).toEqual(['9.9.9.9', '1.1.1.1']);
  });

  it('fills the defaults AWS fills: cpu 0, essential, protocol, hostPort under awsvpc, health check timings, network mode, EFS root', () => {
    const td = normalizeTaskDefinition(
      {
        family: 'f',
        networkMode: 'awsvpc',
        containerDefinitions: [{ name: 'a', image: 'i', portMappings: [{ containerPort: 80 }], healthCheck: { command: ['CMD', 'true'] } }],
        volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
      },
      ctx,
    );
    const a = container(td, 'a');
    expect(a.cpu).toBe(0);
    expect(a.essential).toBe(true);
    expect(a.versionConsistency).toBe('enabled');
    expect(a.portMappings).toEqual([{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
    expect(a.healthCheck).toEqual({ command: ['CMD', 'true'], interval: 30, retries: 3, timeout: 5 });
    expect((td.volumes as JsonObject[])[0]).toEqual({
      name: 'v',
      efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/', transitEncryption: 'DISABLED' },
    });
    expect(normalizeTaskDefinition({ family: 'f', containerDefinitions: [] }, ctx).networkMode).toBe('bridge');
  });

  it('fills the restart attempt period of an enabled restart policy and drops its empty ignored exit codes', () => {
    const written = normalizeTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'a', restartPolicy: { enabled: true } }] }, ctx);
    const described = normalizeTaskDefinition(
      {
        family: 'f',
        containerDefinitions: [{ name: 'a', restartPolicy: { enabled: true, ignoredExitCodes: [], restartAttemptPeriod: 300 } }],
      },
      ctx,
    );
    expect(written).toEqual(described);
  });

  it('treats a bridge-mode host port of 0 as the dynamic port it means, and never fills a host port there', () => {
    const a = normalizeTaskDefinition(
      { family: 'f', containerDefinitions: [{ name: 'a', portMappings: [{ containerPort: 80, hostPort: 0 }] }] },
      ctx,
    );
    const b = normalizeTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'a', portMappings: [{ containerPort: 80 }] }] }, ctx);
    expect(a).toEqual(b);
    expect(container(a, 'a').portMappings).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
  });

  it('still sees a real difference hidden among defaults: a non-default health check interval', () => {
    const a = normalizeTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'a', healthCheck: { command: ['CMD', 'x'] } }] }, ctx);
    const b = normalizeTaskDefinition(
      { family: 'f', containerDefinitions: [{ name: 'a', healthCheck: { command: ['CMD', 'x'], interval: 10 } }] },
      ctx,
    );
    expect(diffDocuments(a, b, 'taskDefinition')).toEqual([
      { scope: 'taskDefinition', path: 'containerDefinitions[a].healthCheck.interval', kind: 'change', before: 30, after: 10 },
    ]);
  });

  it('drops nulls, empty arrays and empty objects but keeps false and 0', () => {
    const td = normalizeTaskDefinition(
      { family: 'f', ipcMode: null, containerDefinitions: [{ name: 'a', links: [], dockerLabels: {}, privileged: false, memory: 0 }] },
      ctx,
    );
    expect(td).not.toHaveProperty('ipcMode');
    expect(container(td, 'a')).not.toHaveProperty('links');
    expect(container(td, 'a')).not.toHaveProperty('dockerLabels');
    expect(container(td, 'a').privileged).toBe(false);
    expect(container(td, 'a').memory).toBe(0);
  });

  it('drops ignored tags, AWS-reserved tags and ecsdeploy metadata tags from both sides', () => {
    const td = normalizeTaskDefinition(
      {
        family: 'f',
        containerDefinitions: [],
        tags: [
          { key: 'owner', value: 'terraform' },
          { key: 'ecsdeploy:manifest-digest', value: 'x' },
          { key: 'aws:cloudformation:stack-name', value: 's' },
          { key: 'team', value: 'shop' },
        ],
      },
      { ignoreTags: ['owner'] },
    );
    expect(td.tags).toEqual([{ key: 'team', value: 'shop' }]);
  });
});

describe('normalizeServiceDocument', () => {
  const sctx = { ignoreTags: ['terraform-owner'], controller: 'ECS', launchType: 'FARGATE' };

  it('fills circuit breaker defaults on both sides so an explicit default equals an omitted one', () => {
    const a = normalizeServiceDocument({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }, sctx);
    const b = normalizeServiceDocument(
      {
        deploymentConfiguration: {
          deploymentCircuitBreaker: {
            enable: true,
            rollback: true,
            resetOnHealthyTask: true,
            thresholdConfiguration: { type: 'BOUNDED_PERCENT', value: 50 },
          },
        },
      },
      sctx,
    );
    expect(a).toEqual(b);
  });

  it('sorts subnets and security groups and fills assignPublicIp DISABLED', () => {
    const a = normalizeServiceDocument(
      { networkConfiguration: { awsvpcConfiguration: { subnets: ['s-2', 's-1'], securityGroups: ['g-2', 'g-1'] } } },
      sctx,
    );
    expect(a.networkConfiguration).toEqual({
      awsvpcConfiguration: { assignPublicIp: 'DISABLED', securityGroups: ['g-1', 'g-2'], subnets: ['s-1', 's-2'] },
    });
  });

  it('fills defaults only for managed keys that a side leaves unset', () => {
    const s = normalizeServiceDocument({ propagateTags: undefined, enableExecuteCommand: undefined, platformVersion: undefined }, sctx);
    expect(s).toEqual({ propagateTags: 'NONE', enableExecuteCommand: false, platformVersion: 'LATEST' });
    expect(normalizeServiceDocument({ desiredCount: 2 }, sctx)).toEqual({ desiredCount: 2 });
  });

  it('ignores target group ARNs of CODE_DEPLOY services, which CodeDeploy swaps on every deployment', () => {
    const lb = (tg: string) => ({ loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }] });
    const cd = { ...sctx, controller: 'CODE_DEPLOY' };
    expect(normalizeServiceDocument(lb('blue'), cd)).toEqual(normalizeServiceDocument(lb('green'), cd));
    expect(normalizeServiceDocument(lb('blue'), sctx)).not.toEqual(normalizeServiceDocument(lb('green'), sctx));
  });

  it('drops ignored and foreign tags from service tags', () => {
    const s = normalizeServiceDocument(
      {
        tags: [
          { key: 'terraform-owner', value: 'x' },
          { key: 'b', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      sctx,
    );
    expect(s.tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '1' },
    ]);
  });
});

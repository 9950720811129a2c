// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax and shell text, not templates
/**
 * `init`'s pure half: live services → manifest and task definition files. The test that matters is the round
 * trip: what init writes, loaded by the manifest loader and planned against the very live state it came from,
 * shows no changes. The rest pins what a person would (not) write.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestText } from '../../src/cli/commands/init.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { JsonObject } from '../../src/model/task-definition.js';
import { buildPlan } from '../../src/plan/build.js';
import { type ImportedManifest, importManifest, type LiveServiceToImport } from '../../src/plan/import-manifest.js';
import {
  agentService,
  blueGreenService,
  CLUSTER,
  REGION,
  SECRET_PASSWORD,
  SECRET_TOKEN,
  webService,
  workerService,
  workerTaskDefinition,
} from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function imported(services: LiveServiceToImport[]): ImportedManifest {
  return importManifest({ region: REGION, cluster: CLUSTER, services, taskDefinitionDir: 'ecs' });
}

/** Writes what init would write, into a fresh folder; returns the folder. */
function write(result: ImportedManifest): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-init-unit-'));
  dirs.push(dir);
  for (const f of result.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), `${JSON.stringify(f.document, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'ecsdeploy.yaml'), manifestText(result.manifest, result.header));
  return dir;
}

function service(result: ImportedManifest, name: string): JsonObject {
  return (result.manifest.services as JsonObject)[name] as JsonObject;
}

function file(result: ImportedManifest, path: string): JsonObject {
  const f = result.files.find((x) => x.path === path);
  if (!f) throw new Error(`no file ${path}; files: ${result.files.map((x) => x.path).join(', ')}`);
  return f.document;
}

describe('importManifest', () => {
  const all = () => [workerService(), webService(), agentService(), blueGreenService()];

  it('writes files that plan against the live state they came from with no changes', () => {
    // GIVEN what init writes for four services of different kinds
    const live = all();
    const result = imported(live);
    expect(result.problems).toEqual([]);
    const dir = write(result);

    // WHEN the manifest loader reads it (with the variables init asked for) and the plan compares it with live
    const manifest = loadManifest({ cwd: dir, env: { DB_PASSWORD: SECRET_PASSWORD, SPLUNK_TOKEN: SECRET_TOKEN } });
    const byName = new Map(live.map((s) => [String(s.described.serviceName), s]));
    const plan = buildPlan(
      manifest,
      {
        services: manifest.services.map((s) => ({
          key: s.key,
          cluster: s.cluster,
          service: s.service,
          described: byName.get(s.service)?.described,
          taskDefinition: byName.get(s.service)?.taskDefinition,
        })),
        preflight: [],
        calls: {},
      },
      { now: '2026-01-01T00:00:00.000Z', toolVersion: 'test' },
    );

    // THEN nothing differs, in any service, task definition or setting
    expect(plan.services.map((s) => [s.key, s.action, s.changes])).toEqual([
      ['worker', 'no-change', []],
      ['web', 'no-change', []],
      ['agent', 'no-change', []],
      ['orders-api', 'no-change', []],
    ]);
    expect(manifest.services.map((s) => [s.key, s.strategy.type, s.cluster])).toEqual([
      ['worker', 'rolling', CLUSTER],
      ['web', 'rolling', CLUSTER],
      ['agent', 'rolling', CLUSTER],
      ['orders-api', 'blue-green', CLUSTER],
    ]);
  });

  it('leaves out read-only fields and every default ECS fills in, and keeps what was chosen', () => {
    const td = file(imported([workerService()]), 'ecs/worker.task.json');
    // networkMode bridge is ECS's default too.
    expect(Object.keys(td)).toEqual(['family', 'requiresCompatibilities', 'containerDefinitions', 'volumes', 'tags']);
    const [worker, sidecar] = td.containerDefinitions as JsonObject[];
    expect(worker).toEqual({
      name: 'worker',
      command: ['sh', '-c', 'exec ./worker --home $${HOME}'],
      portMappings: [{ containerPort: 9000 }],
      environment: [
        { name: 'QUEUE', value: 'orders' },
        { name: 'DB_PASSWORD', value: '${env:DB_PASSWORD}' },
        { name: 'EMPTY_ON_PURPOSE', value: '' },
      ],
      secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/worker/api-key' }],
      memory: 512,
      healthCheck: { command: ['CMD', './health'] },
      logConfiguration: {
        logDriver: 'splunk',
        options: { 'splunk-url': 'https://splunk.example.com:8088', 'splunk-token': '${env:SPLUNK_TOKEN}' },
      },
    });
    expect(sidecar).toEqual({
      name: 'sidecar',
      essential: false,
      memory: 64,
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch' }],
    });
    expect(td.volumes).toEqual([{ name: 'scratch' }]);
    expect(td.tags).toEqual([{ key: 'team', value: 'orders' }]);
  });

  it('puts images in the manifest and the cluster in defaults', () => {
    const result = imported([workerService()]);
    expect(result.manifest.defaults).toEqual({ cluster: CLUSTER });
    expect(service(result, 'worker').images).toEqual({
      worker: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:2.1.0',
      sidecar: 'public.ecr.aws/docker/library/busybox:1.36',
    });
    expect(service(result, 'worker').taskDefinition).toBe('./ecs/worker.task.json');
  });

  it('writes plain values that look secret as ${env:NAME}, says which without the value, and never writes the value', () => {
    const result = imported(all());
    expect(result.environmentVariables).toEqual(['DB_PASSWORD', 'SPLUNK_TOKEN']);
    expect(result.warnings.filter((w) => w.includes('looks secret'))).toEqual([
      'ecs/worker.task.json: container worker: environment DB_PASSWORD looks secret and was a plain value; written as ${env:DB_PASSWORD}',
      'ecs/worker.task.json: container worker: logConfiguration.options splunk-token looks secret and was a plain value; written as ${env:SPLUNK_TOKEN}',
    ]);
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(SECRET_PASSWORD);
    expect(everything).not.toContain(SECRET_TOKEN);
  });

  it('gives two different secret values of one name two variables, and one variable to the same value', () => {
    // GIVEN two families holding a DB_PASSWORD each, with different values, and a third holding the worker's
    const other = workerService();
    other.described = { ...other.described, serviceName: 'billing' };
    other.taskDefinition = workerTaskDefinition(1);
    other.taskDefinition.family = 'billing';
    const env = (other.taskDefinition.containerDefinitions as JsonObject[])[0]?.environment as JsonObject[];
    (env[1] as JsonObject).value = 'another-password';
    const result = imported([workerService(), other]);
    // THEN each value has its own variable, qualified by its file
    expect(result.environmentVariables).toEqual(['BILLING_DB_PASSWORD', 'SPLUNK_TOKEN', 'WORKER_DB_PASSWORD']);
    const dbValue = (path: string) =>
      (((file(result, path).containerDefinitions as JsonObject[])[0] as JsonObject).environment as JsonObject[])[1]?.value;
    expect(dbValue('ecs/worker.task.json')).toBe('${env:WORKER_DB_PASSWORD}');
    expect(dbValue('ecs/billing.task.json')).toBe('${env:BILLING_DB_PASSWORD}');
  });

  it('shares one file between services running the same revision, and writes one per service when revisions differ', () => {
    const shared = imported([workerService(), agentService()]);
    expect(shared.files.map((f) => f.path)).toEqual(['ecs/worker.task.json']);
    expect(service(shared, 'agent').taskDefinition).toBe('./ecs/worker.task.json');

    // Another image only: still one file (images live in the manifest).
    const newerImage = agentService();
    newerImage.taskDefinition = workerTaskDefinition(4, 'registry/worker:2.2.0');
    expect(imported([workerService(), newerImage]).files.map((f) => f.path)).toEqual(['ecs/worker.task.json']);

    // Another setting: a file of its own, and a word about it.
    const different = agentService();
    different.taskDefinition = workerTaskDefinition(5);
    (different.taskDefinition.containerDefinitions as JsonObject[])[0]!.memory = 1024;
    const split = imported([workerService(), different]);
    expect(split.files.map((f) => f.path)).toEqual(['ecs/worker.task.json', 'ecs/worker.agent.task.json']);
    expect(split.warnings).toContain(
      "agent: runs a revision of worker that differs from another service's beyond its images; written to ecs/worker.agent.task.json",
    );
  });

  it('writes the service settings that differ from what AWS assumes, in manifest shape', () => {
    const result = imported(all());
    expect(service(result, 'worker')).toEqual({
      taskDefinition: './ecs/worker.task.json',
      images: expect.any(Object),
      desiredCount: 2,
      launchType: 'EC2',
      placementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      propagateTags: 'SERVICE',
      tags: [{ key: 'team', value: 'orders' }],
      deployment: { minimumHealthyPercent: 50, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
      strategy: { type: 'rolling' },
    });
    expect(service(result, 'web')).toMatchObject({
      desiredCount: 4,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0b', 'subnet-0a'], securityGroups: ['sg-01'] } },
      healthCheckGracePeriodSeconds: 60,
      enableExecuteCommand: true,
      deployment: { minimumHealthyPercent: 100, maximumPercent: 200, alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } },
    });
    expect(service(result, 'web').launchType).toBeUndefined();
    expect(service(result, 'agent')).toMatchObject({
      schedulingStrategy: 'DAEMON',
      deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
    });
    expect(service(result, 'agent').desiredCount).toBeUndefined();
    expect(result.warnings).toContain('web: serviceConnectConfiguration is not managed by the manifest; left as it runs');
  });

  it('gives a CodeDeploy service the blue-green strategy with its group, container and port, and keeps its target group', () => {
    const s = service(imported([blueGreenService()]), 'orders-api');
    expect(s.strategy).toEqual({
      type: 'blue-green',
      application: 'orders',
      deploymentGroup: 'orders-api',
      container: { name: 'web', port: 8080 },
    });
    expect(s.loadBalancers).toEqual([
      {
        targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders-green/0123456789abcdef',
        containerName: 'web',
        containerPort: 8080,
      },
    ]);
    expect(s.deploymentController).toBeUndefined();
    expect(s.deployment).toEqual({ minimumHealthyPercent: 100, maximumPercent: 200 });
    expect(s.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-01'], assignPublicIp: 'ENABLED' },
    });
  });

  it('names the services it cannot import, and why', () => {
    const external = workerService();
    external.described = { ...external.described, serviceName: 'legacy', deploymentController: { type: 'EXTERNAL' } };
    const result = imported([external, blueGreenService([])]);
    expect(result.problems).toEqual([
      'legacy: its deployment controller is EXTERNAL (task sets managed by another tool), which ecsdeploy does not deploy',
      'orders-api: it is deployed by CodeDeploy, but no deployment group in eu-west-1 names it',
    ]);
  });

  it('uses the first of several deployment groups and says so', () => {
    const result = imported([
      blueGreenService([
        { application: 'a', deploymentGroup: 'g1' },
        { application: 'b', deploymentGroup: 'g2' },
      ]),
    ]);
    expect((service(result, 'orders-api').strategy as JsonObject).application).toBe('a');
    expect(result.warnings).toContain('orders-api: several CodeDeploy deployment groups name it (a/g1, b/g2); the manifest uses the first');
  });

  it('writes lists and small maps of plain values on one line, and a header naming where it came from', () => {
    const dir = write(imported([webService()]));
    const text = readFileSync(join(dir, 'ecsdeploy.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# Imported from the ECS cluster "shop" in eu-west-1 by `ecsdeploy init`.',
      '# Review before committing: desiredCount is the count that ran at import; write `desiredCount: autoscaling`',
      '# for a service whose count an autoscaler owns. Images are the ones that ran: deploy others with --image.',
      '# yaml-language-server: $schema=./node_modules/ecsdeploy/schema/ecsdeploy.schema.json',
    ]);
    expect(text).toContain('        subnets: [ subnet-0b, subnet-0a ]\n');
    expect(text).toContain('    strategy: { type: rolling }\n');
    expect(text).toContain('services:\n  web:\n');
  });
});

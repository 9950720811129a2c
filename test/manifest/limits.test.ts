/**
 * What ECS's API reference refuses is an error before anything is sent, named where it was written; what ECS
 * accepts but cannot work is a warning that does not fail the command; bad numbers for flags name the flag and
 * the range it accepts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECS_NAME_PATTERN, MAX_DESIRED_COUNT } from '../../src/manifest/limits.js';
import { PATTERN_WORDS } from '../../src/manifest/schema-issues.js';
import { REPO, runCli } from './run-cli.js';

function project(yaml: string, files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-limits-'));
  writeFileSync(join(dir, 'ecsdeploy.yaml'), yaml);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const SERVICE = `version: 1
services:
  web:
    cluster: shop
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }
`;

describe('warnings', () => {
  it('an image ECS registers but no registry can pull is a warning: validate still passes, exit 0', async () => {
    const dir = project(`${SERVICE}    images: { web: "Shop/Web:1.4" }\n`);
    const r = await runCli(['validate'], { cwd: dir });
    expect(r).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'warning: ecsdeploy.yaml:6:20: services.web.images.web: `Shop/Web:1.4` has uppercase letters in its repository: ECS registers it, but registries take lowercase names only\n' +
        'ecsdeploy.yaml: valid (1 service)\n',
    });
  });

  it('render prints the warnings on stderr and keeps stdout pure JSON', async () => {
    const dir = project(`${SERVICE}    images: { web: "shop/web::1.4" }\n`);
    const r = await runCli(['render'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).services[0].images).toEqual({ web: 'shop/web::1.4' });
    expect(r.stderr).toContain('warning: ecsdeploy.yaml:6:20: services.web.images.web: `shop/web::1.4` has `::`');
  });

  it('an --image flag gets the same warning, naming the flag', async () => {
    const dir = project(SERVICE);
    const r = await runCli(['validate', '--image', 'web=Shop/Web:1.4'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --image "web=Shop/Web:1.4": `Shop/Web:1.4` has uppercase letters in its repository');
  });

  it('a warning found in every environment is printed once; one found in some says which', async () => {
    const yaml = `${SERVICE}    images: { web: "shop/web::1" }\nenvironments:\n  staging: {}\n  production:\n    services: { web: { images: { web: "Shop/web:2" } } }\n`;
    const r = await runCli(['validate'], { cwd: project(yaml) });
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      'warning: ecsdeploy.yaml:6:20: services.web.images.web: `shop/web::1` has `::`: ECS registers it, but no registry can pull it (in environment staging)',
      'warning: ecsdeploy.yaml:10:39: environments.production.services.web.images.web: `Shop/web:2` has uppercase letters in its repository: ECS registers it, but registries take lowercase names only',
    ]);
  });
});

describe('task definition files', () => {
  it('a file larger than 1 MiB is refused with its name and size, before it is parsed', async () => {
    // Not YAML at all: had it been parsed, the message would be a syntax error.
    const junk = Buffer.alloc(2 * 1024 * 1024, '{[');
    const dir = project(`version: 1\nservices:\n  web: { cluster: shop, taskDefinition: ./huge.task.json }\n`, { 'huge.task.json': junk });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      '1 problem in the manifest:\necsdeploy.yaml:3:41: services.web.taskDefinition: task definition file huge.task.json is 2 MiB; ECS accepts a task definition of at most 64 KiB\n',
    );
  });

  it('a file whose task definition is over 64 KiB once compact is refused, naming the file', async () => {
    const environment = Array.from({ length: 700 }, (_, i) => ({ name: `VALUE_${i}`, value: 'x'.repeat(90) }));
    const td = { family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', environment }] };
    const dir = project(`version: 1\nservices:\n  web: { cluster: shop, taskDefinition: ./web.task.json }\n`, {
      'web.task.json': JSON.stringify(td, null, 2),
    });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /services\.web\.taskDefinition: the task definition in web\.task\.json is 83\.4 KiB as sent to RegisterTaskDefinition \(overrides applied\); ECS accepts at most 64 KiB\n$/,
    );
  });
});

describe('numbers given as flags', () => {
  it.each([
    [['validate', '-D', '-1'], '--desired-count "-1": expected a whole number from 0 to 5000', 'BAD_OVERRIDE'],
    [['validate', '--desired-count', '1e300'], '--desired-count "1e300": expected a whole number from 0 to 5000', 'BAD_OVERRIDE'],
    [['validate', '-D', '2.5'], '--desired-count "2.5": expected a whole number from 0 to 5000', 'BAD_OVERRIDE'],
    [['validate', '-D', '5001'], '--desired-count "5001": expected a whole number from 0 to 5000', 'BAD_OVERRIDE'],
    [['validate', '-m', '-10'], '--min "-10": expected a whole number from 0 to 100', 'BAD_OVERRIDE'],
    [['validate', '--max', '99'], '--max "99": expected a whole number from 100 to 400', 'BAD_OVERRIDE'],
    [['validate', '-M', 'lots'], '--max "lots": expected a whole number from 100 to 400', 'BAD_OVERRIDE'],
    [['validate', '-t', '-5m'], '--timeout "-5m": expected a duration longer than 0 and at most 24h', 'BAD_OVERRIDE'],
    [['validate', '--timeout', '25h'], '--timeout "25h": expected a duration longer than 0 and at most 24h', 'BAD_OVERRIDE'],
    [['plan', '--concurrency', '-2'], '--concurrency "-2": expected a whole number from 1 to 64', 'CONCURRENCY_INVALID'],
    [['plan', '--max-attempts', '0'], '--max-attempts "0": expected a whole number from 1 to 50', 'AWS_MAX_ATTEMPTS_INVALID'],
    [['apply', '--concurrency', '0'], '--concurrency "0": expected a whole number from 1 to 64', 'CONCURRENCY_INVALID'],
    [['apply', '--concurrency', '-1'], '--concurrency "-1": expected a whole number from 1 to 64', 'CONCURRENCY_INVALID'],
    [['apply', '--max-attempts', '-3'], '--max-attempts "-3": expected a whole number from 1 to 50', 'AWS_MAX_ATTEMPTS_INVALID'],
  ])('%j is refused on stderr, naming the flag and its range', async (argv, message, code) => {
    const r = await runCli(argv, { cwd: project(SERVICE) });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [${code}]: ${message}`);
    expect(r.code).toBe(1);
  });

  it('in-range numbers, negative-looking or not, are taken', async () => {
    const r = await runCli(['render', '-D', '3', '--min=50', '-M', '150'], { cwd: project(SERVICE) });
    expect(r.code).toBe(0);
    const web = JSON.parse(r.stdout).services[0];
    expect(web.desiredCount).toBe(3);
    expect(web.deployment).toEqual({ minimumHealthyPercent: 50, maximumPercent: 150 });
  });
});

describe('the schema and the limits module agree', () => {
  const schema = JSON.parse(readFileSync(join(REPO, 'schema/ecsdeploy.schema.json'), 'utf8'));
  const defs = schema.$defs;

  it('on the desired count and on ECS names', () => {
    for (const def of ['service', 'defaults']) {
      expect(defs[def].properties.desiredCount.anyOf[0].maximum).toBe(MAX_DESIRED_COUNT);
    }
    expect(defs.taskDefinitionInput.properties.family.pattern).toBe(ECS_NAME_PATTERN);
    expect(defs.taskDefinitionInput.properties.containerDefinitions.items.properties.name.pattern).toBe(ECS_NAME_PATTERN);
  });

  it('every pattern explained in words is a pattern of the schema (the words cannot go stale)', () => {
    const text = JSON.stringify(schema);
    for (const pattern of Object.keys(PATTERN_WORDS)) expect(text, pattern).toContain(JSON.stringify(pattern));
  });
});

describe('durations', () => {
  it('every duration key is at most 24h, wherever it is written (found through the schema)', async () => {
    const yaml = `version: 1
defaults: { cluster: shop }
services:
  web:
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }
    strategy:
      type: blue-green
      application: shop
      deploymentGroup: web
      container: { name: web, port: 80 }
      testTrafficGate: { alarms: [a], hold: 25h }
  api:
    taskDefinition: { family: api, containerDefinitions: [{ name: api, image: nginx }] }
    strategy:
      type: canary
      listener: arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/1/2
      stable: { targetGroup: blue }
      canary: { service: api-canary, targetGroup: green }
      steps: [{ weight: 100, pause: 24h }]
      gate:
        metrics:
          - { name: errors, expression: e, queries: { e: { metric: "AWS/ApplicationELB HTTPCode_Target_5XX_Count", stat: Sum, period: 2d } } }
environments:
  production:
    defaults: { timeout: 1d1ms }
    before: [{ name: migrate, taskDefinitionOf: web, timeout: 86400001ms }]
`;
    const r = await runCli(['validate', '--env', 'production'], { cwd: project(yaml) });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.includes('at most 24h'))).toEqual(
      [
        'ecsdeploy.yaml:11:45: services.web.strategy.testTrafficGate.hold',
        'ecsdeploy.yaml:22:135: services.api.strategy.gate.metrics[0].queries.e.period',
        'ecsdeploy.yaml:25:26: environments.production.defaults.timeout',
        'ecsdeploy.yaml:26:63: environments.production.before[0].timeout',
      ].map((where) => `${where}: a duration may be at most 24h (a killed run's lock lasts about twice its longest wait)`),
    );
  });
});

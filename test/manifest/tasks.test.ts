// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * Task-only families (`tasks:`) in the manifest: the same sources, overrides, environments, interpolation and
 * lookups as services; what running one needs, from `defaults:` where unset (and nothing a service alone has);
 * one namespace with services for `taskDefinitionOf`, `--service` and `--image`; render shows them redacted.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/index.js';
import { type LoadManifestOptions, loadManifest, renderResolved, selectServices } from '../../src/manifest/index.js';
import { pendingSites } from '../../src/manifest/lookup-sites.js';
import type { ResolvedManifest, ResolvedTask } from '../../src/model/manifest.js';

function load(yaml: string, options: Partial<LoadManifestOptions> = {}, files: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'ecsdeploy-tasks-'));
  for (const [name, text] of Object.entries({ 'ecsdeploy.yaml': yaml, ...files })) {
    mkdirSync(dirname(join(cwd, name)), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  return loadManifest({ cwd, env: {}, ...options });
}

function task(m: ResolvedManifest, key: string): ResolvedTask {
  const t = m.tasks?.find((x) => x.key === key);
  if (!t) throw new Error(`no task ${key}`);
  return t;
}

const MANIFEST = `
version: 1
vars: { tag: '1.0.0' }
defaults:
  cluster: shop-\${var:stage}
  launchType: FARGATE
  networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-0a1b2c3d4e5f60001] } }
  desiredCount: 3
  deployment: { minimumHealthyPercent: 50 }
  ignoreTags: [cost-center]
environments:
  staging: { vars: { stage: staging } }
  production:
    vars: { stage: prod }
    tasks:
      report:
        environment: { report: { LEVEL: warn } }
        platformVersion: 1.4.0
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-0a1b2c3d4e5f60009], assignPublicIp: ENABLED } }
services:
  web:
    taskDefinition: { family: shop-web, containerDefinitions: [{ name: web, image: 'repo/web:1' }] }
tasks:
  report:
    taskDefinition: ./report.task.json
    images: { report: 'repo/report:\${var:tag}' }
    environment: { report: { LEVEL: info, REPORT_API_TOKEN: '\${env:REPORT_API_TOKEN:-t0ken-from-env-123}' } }
  archive:
    family: shop-archive
    taskDefinition: { fromLive: true }
before:
  - { name: migrate, taskDefinitionOf: report, command: [./report, migrate], environment: { MIGRATION_DSN: 'postgres://m:pw-secret-9@db/x' } }
after:
  scheduledTargets:
    - { rule: nightly-report, taskDefinitionOf: report }
    - { rule: web-warmup, taskDefinitionOf: web }
`;
const REPORT_TD = JSON.stringify({
  family: 'shop-report',
  networkMode: 'awsvpc',
  containerDefinitions: [{ name: 'report', image: 'repo/report:0', essential: true }],
});

describe('tasks: in the manifest', () => {
  it('resolves a task like a service: its definition with overrides, and what running it needs from defaults', () => {
    const m = load(MANIFEST, { environment: 'staging' }, { 'report.task.json': REPORT_TD });
    const report = task(m, 'report');
    expect(report).toMatchObject({
      key: 'report',
      family: 'shop-report',
      cluster: 'shop-staging',
      run: { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } } },
      ignoreTags: ['cost-center'],
    });
    expect(report.taskDefinition.kind === 'declared' && report.taskDefinition.input.containerDefinitions[0]).toMatchObject({
      image: 'repo/report:1.0.0',
      environment: [
        { name: 'LEVEL', value: 'info' },
        { name: 'REPORT_API_TOKEN', value: 't0ken-from-env-123' },
      ],
    });
    // fromLive: the family whose latest ACTIVE revision is copied.
    expect(task(m, 'archive')).toMatchObject({ family: 'shop-archive', taskDefinition: { kind: 'live' } });
    expect(m.before[0]).toMatchObject({ taskDefinitionOf: 'report' });
    expect(m.scheduledTargets.map((t) => t.taskDefinitionOf)).toEqual(['report', 'web']);
  });

  it('overlays an environment’s tasks key by key', () => {
    const m = load(MANIFEST, { environment: 'production' }, { 'report.task.json': REPORT_TD });
    const report = task(m, 'report');
    expect(report.cluster).toBe('shop-prod');
    // Mappings merge, lists and scalars replace.
    expect(report.run).toEqual({
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60009'], assignPublicIp: 'ENABLED' } },
    });
    expect(report.environment).toEqual({ report: { LEVEL: 'warn', REPORT_API_TOKEN: 't0ken-from-env-123' } });
  });

  it('takes --image for a task’s container, and --service (-n) selects a task with its one-off tasks and targets', () => {
    const m = load(
      MANIFEST,
      { environment: 'staging', overrides: { images: ['report=repo/report:2.0.0'] } },
      { 'report.task.json': REPORT_TD },
    );
    const report = task(m, 'report');
    expect(report.images).toEqual({ report: 'repo/report:2.0.0' });
    const only = selectServices(m, ['report']);
    expect(only.services).toEqual([]);
    expect(only.tasks?.map((t) => t.key)).toEqual(['report']);
    expect(only.before.map((b) => b.name)).toEqual(['migrate']);
    expect(only.scheduledTargets.map((t) => t.rule)).toEqual(['nightly-report']);
    expect(() => selectServices(m, ['reprot'])).toThrow(UsageError);
    expect(() => selectServices(m, ['reprot'])).toThrow('unknown service or task `reprot` (did you mean `report`?)');
  });

  it('needs no services when it has tasks', () => {
    const m = load(`
version: 1
tasks:
  job:
    taskDefinition: { family: job, containerDefinitions: [{ name: job, image: 'repo/job:1' }] }
`);
    expect(m.services).toEqual([]);
    expect(m.tasks?.map((t) => t.family)).toEqual(['job']);
  });

  it('records lookups written in a task as placeholders, to be read with the others', () => {
    const m = load(`
version: 1
tasks:
  job:
    cluster: \${ssm:/shop/cluster}
    taskDefinition: { family: job, containerDefinitions: [{ name: job, image: 'repo/job:1' }] }
    environment: { job: { BUCKET: '\${cfn:shop.Bucket}' } }
`);
    expect(pendingSites(m, m.lookups ?? []).map((s) => s.text)).toEqual(['ssm:/shop/cluster', 'cfn:shop.Bucket']);
  });

  it('renders tasks with sensitive values hidden', () => {
    const m = load(MANIFEST, { environment: 'staging' }, { 'report.task.json': REPORT_TD });
    const out = JSON.stringify(renderResolved(m));
    expect(out).toContain('"tasks":[{"key":"report","family":"shop-report","cluster":"shop-staging"');
    expect(out).not.toContain('t0ken-from-env-123');
    expect(out).not.toContain('pw-secret-9');
  });
});

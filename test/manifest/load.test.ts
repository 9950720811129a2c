// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Alias } from 'yaml';
import { ManifestError, UsageError } from '../../src/errors/index.js';
import {
  findManifestFile,
  type LoadManifestOptions,
  loadManifest,
  loadManifestAll,
  renderResolved,
  selectServices,
} from '../../src/manifest/index.js';
import type { ResolvedService } from '../../src/model/manifest.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-manifest-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function load(yaml: string, options: Partial<LoadManifestOptions> = {}, files: Record<string, string> = {}) {
  const cwd = project({ 'ecsdeploy.yaml': yaml, ...files });
  return loadManifest({ cwd, env: {}, ...options });
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const TD = `{ family: web, networkMode: awsvpc, containerDefinitions: [{ name: web, image: 'repo/web:1', environment: [{ name: A, value: a }] }, { name: log, image: 'repo/log:7' }] }`;
const FULL = `
    desiredCount: 2
    launchType: FARGATE
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } }`;

function service(m: { services: ResolvedService[] }, key = 'web'): ResolvedService {
  const s = m.services.find((x) => x.key === key);
  if (!s) throw new Error(`no service ${key}`);
  return s;
}

describe('loadManifest', () => {
  it('resolves a minimal service with the documented defaults', () => {
    const m = load(`version: 1\nservices:\n  web:\n    cluster: shop\n    taskDefinition: ${TD}\n`);
    const s = service(m);
    expect(s).toMatchObject({
      key: 'web',
      service: 'web',
      cluster: 'shop',
      timeoutMs: 20 * 60_000,
      onFailure: 'rollback',
      desiredCount: undefined,
      strategy: { type: 'rolling' },
      createIfMissing: false,
      deployment: {},
      settings: {},
    });
    expect(m).toMatchObject({
      file: 'ecsdeploy.yaml',
      environment: undefined,
      keepRevisions: 10,
      notify: { eachCall: false },
      before: [],
      scheduledTargets: [],
    });
    expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('overlays defaults, then the environment, then the environment service settings', () => {
    const m = load(
      `version: 1
defaults:
  cluster: shop-\${var:stage}
  deployment: { minimumHealthyPercent: 100, maximumPercent: 200 }
  timeout: 10m
environments:
  staging: { vars: { stage: stg } }
  production:
    vars: { stage: prd }
    region: eu-west-1
    defaults: { deployment: { minimumHealthyPercent: 50 } }
    services:
      web:
        desiredCount: 6
        images: { log: repo/log:8 }
        strategy: { type: blue-green, application: app, deploymentGroup: dg, container: { name: web, port: 80 } }
region: us-east-1
services:
  web:
    taskDefinition: ${TD}
    desiredCount: 2
    images: { web: repo/web:2 }
`,
      { environment: 'production' },
    );
    const s = service(m);
    expect(m.region).toBe('eu-west-1');
    expect(s.cluster).toBe('shop-prd');
    expect(s.desiredCount).toBe(6);
    expect(s.deployment).toEqual({ minimumHealthyPercent: 50, maximumPercent: 200 });
    expect(s.timeoutMs).toBe(600_000);
    expect(s.images).toEqual({ web: 'repo/web:2', log: 'repo/log:8' });
    expect(s.strategy).toEqual({ type: 'blue-green', application: 'app', deploymentGroup: 'dg', container: { name: 'web', port: 80 } });
    expect(s.settings.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    const images = s.taskDefinition.kind === 'declared' ? s.taskDefinition.input.containerDefinitions.map((c) => c.image) : [];
    expect(images).toEqual(['repo/web:2', 'repo/log:8']);
  });

  it('requires --env when the manifest declares environments, listing them', () => {
    let error: unknown;
    try {
      load('version: 1\nenvironments: { a: {}, b: {} }\nservices: { web: { cluster: c, taskDefinition: { fromLive: true } } }\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      code: 'ENVIRONMENT_REQUIRED',
      message: 'ecsdeploy.yaml declares environments; choose one with --env (a, b)',
      hint: 'e.g. --env a',
    });
  });

  it('lets --var win over environment vars, which win over top-level vars, and needs no shadowed env variable', () => {
    const yaml = `version: 1
vars: { tag: '\${env:UNSET_TAG}', who: top }
environments:
  e: { vars: { who: env } }
services:
  web: { cluster: c, taskDefinition: { fromLive: true }, images: { web: 'r:\${var:tag}-\${var:who}' } }
`;
    const m = load(yaml, { environment: 'e', vars: ['tag=9'] });
    expect(service(m).images.web).toBe('r:9-env');
    expect(issuesOf(() => load(yaml, { environment: 'e' }))).toEqual([
      '2:15 vars.tag: environment variable UNSET_TAG is not set (used as `${env:UNSET_TAG}`; give a default with `${env:UNSET_TAG:-VALUE}`)',
    ]);
  });

  it('gives a plain whole-scalar reference the type of its value, and keeps quoted ones strings', () => {
    // Block style: in a flow mapping `{ ... }` YAML itself needs `${...}` quoted.
    const m = load(
      `version: 1\nservices:\n  web:\n    cluster: c\n    taskDefinition: ${TD}\n    desiredCount: \${env:COUNT}\n    environment: { web: { N: '\${env:COUNT}' } }\n`,
      {
        env: { COUNT: '3' },
      },
    );
    expect(service(m).desiredCount).toBe(3);
    expect(service(m).environment.web).toEqual({ N: '3' });
  });

  it('keeps a plain whole-scalar reference a string when reading it as a number would change it (1.10, long digits)', () => {
    const m = load(
      `version: 1\nservices:\n  web:\n    cluster: c\n    taskDefinition: ${TD}\n    desiredCount: \${env:COUNT}\n    environment:\n      web:\n        VERSION: \${env:VERSION}\n        ID: \${env:ID}\n        RATIO: \${env:RATIO}\n`,
      { env: { COUNT: '2', VERSION: '1.10', ID: '12345678901234567890', RATIO: '0.5' } },
    );
    expect(service(m).desiredCount).toBe(2);
    expect(service(m).environment.web).toEqual({ VERSION: '1.10', ID: '12345678901234567890', RATIO: '0.5' });
    const td = service(m).taskDefinition;
    const web = td.kind === 'declared' ? td.input.containerDefinitions.find((c) => c.name === 'web') : undefined;
    expect(web?.environment).toContainEqual({ name: 'VERSION', value: '1.10' });
  });

  it('interpolates an anchor defined in another environment where this environment uses it (alias or merge key)', () => {
    const yaml = `version: 1
environments:
  staging:
    defaults: &common
      cluster: \${env:CLUSTER}
    services:
      web: &web
        images: { web: 'repo/web:\${var:tag}' }
  production:
    vars: { tag: '7' }
    defaults: *common
    services:
      web:
        <<: *web
        desiredCount: 2
services:
  web:
    taskDefinition: ${TD}
`;
    const m = load(yaml, { environment: 'production', env: { CLUSTER: 'prod' } });
    expect(service(m).cluster).toBe('prod');
    expect(service(m).images.web).toBe('repo/web:7');
    expect(issuesOf(() => load(yaml, { environment: 'production' }))).toEqual([
      '5:16 environments.production.defaults.cluster: environment variable CLUSTER is not set (used as `${env:CLUSTER}`; give a default with `${env:CLUSTER:-VALUE}`)',
    ]);
  });

  it('expands a value shared by an anchor in vars and an alias elsewhere exactly once', () => {
    const m = load(
      `version: 1\nvars:\n  cmd: &cmd 'echo $\${HOME}'\nservices:\n  web:\n    cluster: c\n    taskDefinition: ${TD}\n    command: { web: ['sh', '-c', *cmd, '\${var:cmd}'] }\n`,
    );
    expect(service(m).command.web).toEqual(['sh', '-c', 'echo ${HOME}', 'echo ${HOME}']);
  });

  it('passes task-level cpu and memory written as YAML numbers on as the strings RegisterTaskDefinition takes', () => {
    const m = load(
      `version: 1\nvars: { mem: 1024 }\nservices:\n  web:\n    cluster: c\n    taskDefinition:\n      family: web\n      cpu: 512\n      memory: \${var:mem}\n      containerDefinitions: [{ name: web, image: 'nginx:1', cpu: 256, memory: 512 }]\n  api:\n    cluster: c\n    taskDefinition: api.json\n`,
      {},
      {
        'api.json': JSON.stringify({
          family: 'api',
          cpu: 256,
          memory: '0.5 GB',
          containerDefinitions: [{ name: 'api', image: 'nginx:1' }],
        }),
      },
    );
    const input = (key: string) => {
      const td = service(m, key).taskDefinition;
      if (td.kind !== 'declared') throw new Error('expected a declared task definition');
      return td.input;
    };
    expect([input('web').cpu, input('web').memory]).toEqual(['512', '1024']);
    // container-level cpu and memory are integers in the ECS API and stay numbers
    expect([input('web').containerDefinitions[0]?.cpu, input('web').containerDefinitions[0]?.memory]).toEqual([256, 512]);
    expect([input('api').cpu, input('api').memory]).toEqual(['256', '0.5 GB']);
  });

  it('keeps environment values and vars that YAML reads as numbers as they were written (1.10, 1e3, 0x1F)', () => {
    const m = load(
      `version: 1
vars: { python: 3.10, count: 3, grace: 30 }
environments:
  prod:
    vars: { build: 1e3 }
    services:
      web: { environment: { web: { MASK: 0x1F } } }
before:
  - { name: migrate, taskDefinitionOf: web, environment: { SCHEMA: 2.50 } }
services:
  web:
    cluster: c
    taskDefinition: ${TD}
    desiredCount: \${var:count}
    healthCheckGracePeriodSeconds: \${var:grace}
    environment:
      web: { VERSION: 1.10, PY: '\${var:python}', BUILD: 'b\${var:build}', PORT: 8080, DEBUG: true }
`,
      { environment: 'prod' },
    );
    expect(service(m).environment.web).toEqual({ VERSION: '1.10', PY: '3.10', BUILD: 'b1e3', PORT: '8080', DEBUG: 'true', MASK: '0x1F' });
    expect(service(m).desiredCount).toBe(3);
    expect(service(m).settings.healthCheckGracePeriodSeconds).toBe(30);
    // a var written 1.0 where a whole number is needed is refused, never silently read as 1
    const refused = issuesOf(() =>
      load(
        `version: 1\nvars: { grace: 1.0 }\nservices:\n  web:\n    cluster: c\n    taskDefinition: ${TD}\n    healthCheckGracePeriodSeconds: \${var:grace}\n`,
      ),
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^7:36 services\.web\.healthCheckGracePeriodSeconds: /);
    expect(m.before[0]?.environment).toEqual({ SCHEMA: '2.50' });
  });

  it('passes docker labels, log and FireLens options and environment values written as YAML booleans or numbers on as strings', () => {
    const m = load(
      `version: 1
services:
  web:
    cluster: c
    taskDefinition:
      family: web
      containerDefinitions:
        - name: web
          image: nginx:1
          dockerLabels: { traefik.enable: true, weight: 5 }
          logConfiguration: { logDriver: awslogs, options: { awslogs-create-group: true, awslogs-group: g, max-buffer-size: 25 } }
          firelensConfiguration: { type: fluentbit, options: { enable-ecs-log-metadata: false } }
  api:
    cluster: c
    taskDefinition: api.json
`,
      {},
      {
        'api.json': JSON.stringify({
          family: 'api',
          containerDefinitions: [{ name: 'api', environment: [{ name: 'WORKERS', value: 4 }] }],
        }),
      },
    );
    const container = (key: string) => {
      const td = service(m, key).taskDefinition;
      if (td.kind !== 'declared') throw new Error('expected a declared task definition');
      return td.input.containerDefinitions[0];
    };
    expect(container('web')?.dockerLabels).toEqual({ 'traefik.enable': 'true', weight: '5' });
    expect(container('web')?.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-create-group': 'true', 'awslogs-group': 'g', 'max-buffer-size': '25' },
    });
    expect(container('web')?.firelensConfiguration).toEqual({ type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'false' } });
    expect(container('api')?.environment).toEqual([{ name: 'WORKERS', value: '4' }]);
  });

  it('never interpolates keys', () => {
    const m = load(`version: 1\nservices:\n  web: { cluster: c, taskDefinition: ${TD}, environment: { web: { '\${env:X}': v } } }\n`, {
      env: { X: 'Y' },
    });
    expect(Object.keys(service(m).environment.web ?? {})).toEqual(['${env:X}']);
  });

  it('reads a task definition file relative to the manifest, unwrapping describe output and stripping read-only fields only', () => {
    const described = {
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
        revision: 7,
        status: 'ACTIVE',
        requiresAttributes: [{ name: 'x' }],
        compatibilities: ['FARGATE'],
        registeredAt: '2026-01-01T00:00:00Z',
        registeredBy: 'arn:aws:iam::123456789012:user/me',
        family: 'web',
        someFutureField: { keep: true },
        containerDefinitions: [{ name: 'web', image: 'repo/web:${var:tag}', newContainerField: 1 }],
      },
      tags: [{ key: 'team', value: 'a' }],
    };
    const m = load(
      'version: 1\nvars: { tag: "5" }\nservices:\n  web: { cluster: c, taskDefinition: ./ecs/web.json }\n',
      {},
      { 'ecs/web.json': JSON.stringify(described, null, 2) },
    );
    const td = service(m).taskDefinition;
    expect(td).toEqual({
      kind: 'declared',
      file: 'ecs/web.json',
      input: {
        family: 'web',
        someFutureField: { keep: true },
        containerDefinitions: [{ name: 'web', image: 'repo/web:5', newContainerField: 1 }],
        tags: [{ key: 'team', value: 'a' }],
      },
    });
  });

  it('applies command-line overrides: repository images with tag latest, container images, counts, percents, timeout', () => {
    const m = load(`version: 1\nservices:\n  web: { cluster: c, taskDefinition: ${TD}, desiredCount: 2 }\n`, {
      overrides: {
        images: ['repo/web', 'log=other/log:9'],
        desiredCount: 5,
        minimumHealthyPercent: 50,
        maximumPercent: 150,
        timeout: '90s',
      },
    });
    const s = service(m);
    expect(s.repositoryImages).toEqual([{ repository: 'repo/web', image: 'repo/web:latest' }]);
    expect(s.images).toEqual({ log: 'other/log:9' });
    expect(s.desiredCount).toBe(5);
    expect(s.deployment).toEqual({ minimumHealthyPercent: 50, maximumPercent: 150 });
    expect(s.timeoutMs).toBe(90_000);
    const images = s.taskDefinition.kind === 'declared' ? s.taskDefinition.input.containerDefinitions.map((c) => c.image) : [];
    expect(images).toEqual(['repo/web:latest', 'other/log:9']);
  });

  it('refuses an --image that reaches no container, and malformed overrides', () => {
    const yaml = `version: 1\nservices:\n  web: { cluster: c, taskDefinition: ${TD} }\n`;
    expect(() => load(yaml, { overrides: { images: ['wbe=x:1'] } })).toThrow(
      /no service has a container named `wbe` \(did you mean `web`\?\)/,
    );
    expect(() => load(yaml, { overrides: { images: ['nope/repo:1'] } })).toThrow(/no container uses the repository nope\/repo/);
    expect(() => load(yaml, { overrides: { timeout: 'soon' } })).toThrow(UsageError);
    expect(() => load(yaml, { vars: ['novalue'] })).toThrow(/--var "novalue": expected NAME=VALUE/);
  });

  it('copies fromLive services as overrides only, for the plan to apply to the live task definition', () => {
    const m = load(
      'version: 1\nservices:\n  api: { cluster: c, taskDefinition: { fromLive: true }, images: { api: r/api:2 }, command: { api: [run] } }\n',
      {
        overrides: { images: ['r/api:3'] },
      },
    );
    expect(service(m, 'api')).toMatchObject({
      taskDefinition: { kind: 'live' },
      images: { api: 'r/api:2' },
      command: { api: ['run'] },
      repositoryImages: [{ repository: 'r/api', image: 'r/api:3' }],
      createIfMissing: false,
    });
  });

  it('marks a service fully defined (createIfMissing) only with compute, networking and a numeric count', () => {
    const m = load(
      `version: 1
defaults: { cluster: c }
services:
  full: { taskDefinition: ${TD}, ${FULL.trim().replace(/\n\s+/g, ', ')} }
  bridge: { taskDefinition: { family: b, networkMode: bridge, containerDefinitions: [{ name: b }] }, launchType: EC2, desiredCount: 1 }
  nonet: { taskDefinition: ${TD}, launchType: FARGATE, desiredCount: 1 }
  optout: { taskDefinition: ${TD}, createIfMissing: false, ${FULL.trim().replace(/\n\s+/g, ', ')} }
  nocount: { taskDefinition: ${TD}, launchType: FARGATE, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } } }
  scaled: { taskDefinition: ${TD}, desiredCount: autoscaling, launchType: FARGATE, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } } }
  daemon: { taskDefinition: { family: d, networkMode: host, containerDefinitions: [{ name: d }] }, launchType: EC2, schedulingStrategy: DAEMON }
`,
    );
    expect(m.services.map((s) => [s.key, s.createIfMissing])).toEqual([
      ['full', true],
      ['bridge', true],
      ['nonet', false],
      ['optout', false],
      ['nocount', false],
      ['scaled', false],
      ['daemon', true],
    ]);
  });

  it('reports every rule violation at once, each where it was written', () => {
    const issues = issuesOf(() =>
      load(
        `version: 1
environments:
  prod:
    services:
      web: { desiredCount: 2, deployment: { minimumHealthyPercent: 75, maximumPercent: 125 } }
defaults:
  cluster: c
  taskDefinition: ${TD}
services:
  web:
    taskDefinition: ${TD}
    dependsOn: [api]
  api:
    service: web
    taskDefinition: ${TD}
    dependsOn: [web, nope]
`,
        { environment: 'prod' },
      ),
    );
    // Schema problems stop before the rules (which assume a well-formed manifest).
    expect(issues).toEqual(['8:3 defaults.taskDefinition: unknown key `taskDefinition`']);
    const fixed = issuesOf(() =>
      load(
        `version: 1
environments:
  prod:
    services:
      web: { desiredCount: 2, deployment: { minimumHealthyPercent: 75, maximumPercent: 125 } }
defaults:
  cluster: c
services:
  web:
    taskDefinition: ${TD}
    dependsOn: [api]
  api:
    service: web
    taskDefinition: ${TD}
    dependsOn: [web, nope]
`,
        { environment: 'prod' },
      ),
    );
    expect(fixed).toEqual([
      '5:43 environments.prod.services.web.deployment: minimumHealthyPercent 75 and maximumPercent 125 with desiredCount 2 can neither start nor stop a task: 2 must stay healthy and at most 2 may run; raise maximumPercent or lower minimumHealthyPercent',
      '11:16 services.web.dependsOn: dependsOn cycle: web → api → web',
      '12:3 services.api: ECS service `web` in cluster `c` is already declared by services.web',
      '15:22 services.api.dependsOn[1]: unknown service `nope` (services: web, api)',
    ]);
  });

  it('accepts x- extension keys holding anchors, reused through aliases and << merge keys', () => {
    const m = load(`version: 1
x-fargate: &fargate
  desiredCount: 2
  launchType: FARGATE
  networkConfiguration: { awsvpcConfiguration: { subnets: [subnet-1] } }
x-td: &td ${TD}
services:
  web:
    <<: *fargate
    cluster: c
    taskDefinition: *td
`);
    expect(service(m).settings.launchType).toBe('FARGATE');
    expect(service(m).createIfMissing).toBe(true);
  });

  it('accepts a manifest whose many services (150) share one anchor through << merge keys', () => {
    let yaml = 'version: 1\nx-common: &common\n  cluster: shop\n  desiredCount: 1\nservices:\n';
    for (let i = 0; i < 150; i++)
      yaml += `  svc${i}:\n    <<: *common\n    taskDefinition: { family: f${i}, containerDefinitions: [{ name: app, image: 'nginx:1' }] }\n`;
    const m = load(yaml);
    expect(m.services).toHaveLength(150);
    expect(m.services.every((s) => s.cluster === 'shop' && s.desiredCount === 1)).toBe(true);
  });

  it('loads a manifest whose every service uses aliases without walking the document once per alias', () => {
    // The yaml package's Alias.resolve walks the whole document when called without its toJS context (which
    // caches one walk); once per alias makes loading quadratic (4,000 services took minutes). Counting those
    // walks asserts the work, where a timing comparison failed on a loaded machine (the timing is in
    // bench/manifest-scale.mjs).
    const walks = vi.spyOn(Alias.prototype, 'resolve');
    const documentWalks = (count: number): number => {
      let yaml = 'version: 1\nx-common: &common\n  cluster: shop\nx-img: &img "nginx:${env:TAG:-1}"\nservices:\n';
      for (let i = 0; i < count; i++)
        yaml += `  svc${i}:\n    <<: *common\n    images: { app: *img }\n    taskDefinition: { family: f${i}, containerDefinitions: [{ name: app, image: 'nginx:1' }] }\n`;
      walks.mockClear();
      const m = load(yaml);
      expect(m.services[count - 1]?.images.app).toBe('nginx:1');
      expect(m.services[count - 1]?.cluster).toBe('shop');
      return walks.mock.calls.filter(([, ctx]) => ctx === undefined).length;
    };
    // Four times the services (and aliases), and not one more walk.
    expect(documentWalks(200)).toBe(documentWalks(50));
  });

  it('calls an environment overlay of an undeclared service a misspelling, not a new service', () => {
    expect(
      issuesOf(() =>
        load(
          `version: 1\nenvironments:\n  prod:\n    services:\n      wbe: { desiredCount: 3 }\nservices:\n  web: { cluster: c, taskDefinition: ${TD} }\n`,
          {
            environment: 'prod',
          },
        ),
      ),
    ).toEqual(['5:7 environments.prod.services.wbe: no service `wbe` to overlay (did you mean `web`?) (services: web)']);
  });

  it('finds ecsdeploy.yaml before ecsdeploy.yml, and says so when neither exists', () => {
    const both = project({ 'ecsdeploy.yml': '', 'ecsdeploy.yaml': '' });
    expect(findManifestFile(both)).toBe(join(both, 'ecsdeploy.yaml'));
    const yml = project({ 'ecsdeploy.yml': '' });
    expect(findManifestFile(yml)).toBe(join(yml, 'ecsdeploy.yml'));
    const none = project({});
    expect(() => findManifestFile(none)).toThrow(UsageError);
  });
});

describe('loadManifestAll', () => {
  it('reports an issue shared by every environment once, and names the environment of one that is not', () => {
    const cwd = project({
      'ecsdeploy.yaml': `version: 1
defaults:
  cluster: shop
  deployment: { minimumHealthyPercent: 75, maximumPercent: 125 }
environments:
  staging: { services: { web: { desiredCount: 2 } } }
  production: { services: { web: { desiredCount: 8 } } }
services:
  web:
    taskDefinition: { family: web, containerDefinitions: [{ name: web }] }
    dependsOn: [web]
`,
    });
    expect(issuesOf(() => loadManifestAll({ cwd, env: {} }))).toEqual([
      '4:15 defaults.deployment: minimumHealthyPercent 75 and maximumPercent 125 with desiredCount 2 can neither start nor stop a task: 2 must stay healthy and at most 2 may run; raise maximumPercent or lower minimumHealthyPercent (in environment staging)',
      '11:17 services.web.dependsOn[0]: a service cannot depend on itself',
    ]);
  });

  it('resolves each environment on its own copy of the document', () => {
    const cwd = project({
      'ecsdeploy.yaml': `version: 1
environments:
  a: { vars: { c: one } }
  b: { vars: { c: two } }
services:
  web: { cluster: '\${var:c}', taskDefinition: { fromLive: true } }
`,
    });
    expect(loadManifestAll({ cwd, env: {} }).map((m) => [m.environment, m.services[0]?.cluster])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
  });
});

describe('selectServices and renderResolved', () => {
  const yaml = `version: 1
defaults: { cluster: c }
before:
  - { name: migrate, taskDefinitionOf: api, environment: { DB_PASSWORD: pw, MODE: x } }
services:
  web:
    service: shop-web
    taskDefinition: { family: web, containerDefinitions: [{ name: web, environment: [{ name: API_TOKEN, value: t0ken }, { name: MARKED, value: m }, { name: PLAIN, value: p }] }] }
    sensitive: [MARKED]
    environment: { web: { MARKED: m2, OTHER_SECRET: s } }
  api: { taskDefinition: { fromLive: true } }
`;

  it('selects by manifest key or ECS name in manifest order, and lists the known services for an unknown one', () => {
    const m = load(yaml);
    expect(selectServices(m, ['api', 'shop-web']).services.map((s) => s.key)).toEqual(['web', 'api']);
    expect(selectServices(m, []).services).toHaveLength(2);
    expect(selectServices(m, ['web']).before).toEqual([]);
    expect(() => selectServices(m, ['wbe'])).toThrow('unknown service `wbe` (did you mean `web`?); the manifest declares: web, api');
  });

  it('redacts sensitive and secret-looking environment values everywhere in the rendered state', () => {
    const text = JSON.stringify(renderResolved(load(yaml)));
    for (const secret of ['t0ken', '"m"', 'm2', '"s"', '"pw"']) expect(text).not.toContain(secret);
    expect(text).toContain('"PLAIN","value":"p"');
    expect(text).toContain('"MODE":"x"');
    // TD: API_TOKEN, MARKED, OTHER_SECRET; overrides: MARKED, OTHER_SECRET; one-off task: DB_PASSWORD.
    expect(text.match(/\(sensitive\)/g)?.length).toBe(6);
  });

  it('redacts log driver and FireLens options under secret-looking keys in the rendered state', () => {
    const text = JSON.stringify(
      renderResolved(
        load(`version: 1
services:
  web:
    cluster: c
    taskDefinition:
      family: web
      containerDefinitions:
        - name: web
          logConfiguration: { logDriver: splunk, options: { splunk-token: hec-t0ken, splunk-url: 'https://hec.example.com' } }
          firelensConfiguration: { type: fluentbit, options: { Name: datadog, apikey: dd-k3y } }
`),
      ),
    );
    for (const secret of ['hec-t0ken', 'dd-k3y']) expect(text).not.toContain(secret);
    expect(text).toContain('"splunk-url":"https://hec.example.com"');
    expect(text).toContain('"Name":"datadog"');
  });

  it('renders one service when asked', () => {
    const r = renderResolved(load(yaml), 'api') as { services: { key: string }[]; before: unknown[] };
    expect(r.services.map((s) => s.key)).toEqual(['api']);
    expect(r.before).toHaveLength(1);
  });
});

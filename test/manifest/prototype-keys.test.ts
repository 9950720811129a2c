// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * Names that JavaScript objects inherit (`toString`, `constructor`, `__proto__`, `hasOwnProperty`) are ordinary
 * names in a manifest: a lookup sees only what was defined, and a definition under such a name is kept like any
 * other. Nothing a user did not write may be deployed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors/index.js';
import { type LoadManifestOptions, loadManifest } from '../../src/manifest/index.js';
import { applyOverrides } from '../../src/model/overrides.js';
import type { ResolvedManifest, ResolvedService } from '../../src/model/manifest.js';

function load(yaml: string, options: Partial<LoadManifestOptions> = {}): ResolvedManifest {
  const cwd = mkdtempSync(join(tmpdir(), 'ecsdeploy-proto-'));
  writeFileSync(join(cwd, 'ecsdeploy.yaml'), yaml);
  return loadManifest({ cwd, env: {}, ...options });
}

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const web = (m: ResolvedManifest): ResolvedService => m.services[0] as ResolvedService;

function imageOf(s: ResolvedService, container = 'web'): string | undefined {
  return s.taskDefinition.kind === 'declared'
    ? s.taskDefinition.input.containerDefinitions.find((c) => c.name === container)?.image
    : undefined;
}

const manifest = (image: string, extra = '') =>
  `version: 1\n${extra}services:\n  web:\n    cluster: shop\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: "${image}" }] }\n`;

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('names JavaScript objects inherit', () => {
  it.each(INHERITED)('${var:%s} is "not defined" when no variable of that name was defined', (name) => {
    expect(messages(() => load(manifest(`nginx:\${var:${name}}`)))).toEqual([
      `services.web.taskDefinition.containerDefinitions[0].image: variable ${name} is not defined (used as \`\${var:${name}}\`; define it under vars: or pass --var ${name}=VALUE)`,
    ]);
  });

  it.each(INHERITED)('${env:%s} is "not set" when the environment has no such variable', (name) => {
    expect(messages(() => load(manifest(`nginx:\${env:${name}}`))).join('\n')).toContain(`environment variable ${name} is not set`);
    // The real process environment too: it inherits from Object.prototype.
    expect(messages(() => load(manifest(`nginx:\${env:${name}}`), { env: process.env })).join('\n')).toContain(
      `environment variable ${name} is not set`,
    );
  });

  it.each(INHERITED)('a default is used for an undefined ${var:%s:-...} and ${env:NAME:-...}', (name) => {
    expect(imageOf(web(load(manifest(`nginx:\${var:${name}:-1.27}`))))).toBe('nginx:1.27');
    expect(imageOf(web(load(manifest(`nginx:\${env:${name}:-1.28}`))))).toBe('nginx:1.28');
  });

  it.each(INHERITED)('--var %s=VALUE is a plain variable, used where it is referenced', (name) => {
    const m = load(manifest(`nginx:\${var:${name}}`), { vars: [`${name}=1.29`] });
    expect(imageOf(web(m))).toBe('nginx:1.29');
  });

  it.each(INHERITED)('vars: { %s: ... } in the manifest is a plain variable too', (name) => {
    const m = load(manifest(`nginx:\${var:${name}}`, `vars:\n  ${name}: "1.30"\n`));
    expect(imageOf(web(m))).toBe('nginx:1.30');
  });

  it.each(INHERITED)('an environment variable named %s is set and read like any other', (name) => {
    const yaml = `version: 1\nservices:\n  web:\n    cluster: shop\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }\n    environment: { web: { ${name}: "x-${name}" } }\n`;
    const s = web(load(yaml));
    expect(Object.keys(s.environment.web ?? {})).toEqual([name]);
    expect(s.taskDefinition.kind === 'declared' && s.taskDefinition.input.containerDefinitions[0]?.environment).toEqual([
      { name, value: `x-${name}` },
    ]);
  });

  it.each(INHERITED)('--image %s=IMAGE reaches the container of that name, and no other', (name) => {
    const yaml = `version: 1\nservices:\n  web:\n    cluster: shop\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }, { name: "${name}", image: busybox }] }\n`;
    const s = web(load(yaml, { overrides: { images: [`${name}=registry/side:2`] } }));
    expect(imageOf(s, name)).toBe('registry/side:2');
    expect(imageOf(s, 'web')).toBe('nginx');
  });

  it.each(INHERITED)('--image %s=IMAGE that reaches no container is refused, not ignored', (name) => {
    expect(() => load(manifest('nginx:1'), { overrides: { images: [`${name}=registry/side:2`] } })).toThrow(
      `--image ${name}=...: no service has a container named \`${name}\``,
    );
  });

  it.each(INHERITED)('images: { %s: ... } for a container the task definition lacks is an error', (name) => {
    const yaml = `${manifest('nginx:1')}    images: { ${name}: "registry/x:1" }\n`;
    expect(messages(() => load(yaml)).join('\n')).toContain(`no container \`${name}\` in task definition \`web\``);
  });

  it('an environment overlay may set a key that objects inherit without it merging with the inherited member', () => {
    const yaml = `version: 1\nservices:\n  web:\n    cluster: shop\n    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: nginx }] }\n    environment: { web: { A: a } }\nenvironments:\n  prod:\n    services:\n      web:\n        environment: { web: { constructor: c, toString: t } }\n`;
    const s = web(load(yaml, { environment: 'prod' }));
    expect(s.environment.web).toEqual({ A: 'a', constructor: 'c', toString: 't' });
  });

  it('overrides given for container `constructor` apply only to a container of that name', () => {
    const td = { family: 'f', containerDefinitions: [{ name: 'web', image: 'nginx' }] };
    const r = applyOverrides(td, { images: {}, repositoryImages: [], environment: {}, command: {} });
    expect(r.unknownContainers).toEqual([]);
    const named = applyOverrides(td, {
      images: { constructor: 'x:1' },
      repositoryImages: [],
      environment: { toString: { A: 'a' } },
      command: {},
    });
    expect(named.unknownContainers.sort()).toEqual(['constructor', 'toString']);
    expect(named.taskDefinition.containerDefinitions).toEqual([{ name: 'web', image: 'nginx' }]);
  });
});

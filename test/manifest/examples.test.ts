/**
 * Every example validates in every environment without extra flags, and keeps the promises other tests rely on:
 * region us-east-1, account 123456789012, declared task definitions (at most one fromLive), services that can be
 * created (FARGATE + awsvpc networking).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifestAll } from '../../src/manifest/index.js';
import { REPO } from './paths.js';

const EXAMPLES = join(REPO, 'examples');
const dirs = readdirSync(EXAMPLES).filter((d) => d !== 'scenarios' && statSync(join(EXAMPLES, d)).isDirectory());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('the examples', () => {
  it('include rolling, blue-green, canary and multi', () => {
    expect(dirs).toEqual(expect.arrayContaining(['rolling', 'blue-green', 'canary', 'multi']));
  });

  it.each(dirs)('examples/%s validates in every environment with no flags, no environment variables and no warning', (dir) => {
    const warnings: string[] = [];
    const loaded = loadManifestAll({ cwd: REPO, file: `examples/${dir}/ecsdeploy.yaml`, env: {}, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(loaded.length).toBeGreaterThan(0);
    for (const m of loaded) {
      expect(m.region).toBe('us-east-1');
      expect(m.services.filter((s) => s.taskDefinition.kind === 'live').length).toBeLessThanOrEqual(1);
      for (const s of m.services) {
        // Creatable wherever the count is known; a count owned by autoscaling gives CreateService nothing to start with.
        expect(s.createIfMissing, `${dir}/${s.key}`).toBe(s.desiredCount !== 'autoscaling');
        expect(s.settings.launchType).toBe('FARGATE');
        if (s.taskDefinition.kind === 'declared') {
          expect(s.taskDefinition.input.networkMode).toBe('awsvpc');
          for (const c of s.taskDefinition.input.containerDefinitions) expect(c.image).toMatch(/:[\w.-]+$/);
        }
      }
    }
  });

  it.each(dirs)('examples/%s uses account 123456789012 in every ARN and registry', (dir) => {
    for (const file of filesUnder(join(EXAMPLES, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d*):/g)) expect(m[1], `${file}: ${m[0]}`).toBe('123456789012');
      for (const m of text.matchAll(/(\d{12})\.dkr\.ecr\./g)) expect(m[1], file).toBe('123456789012');
    }
  });

  it('ecsdeploy.yaml.example (the feature tour) validates in every environment, without warnings', () => {
    const warnings: string[] = [];
    const loaded = loadManifestAll({ cwd: REPO, file: 'ecsdeploy.yaml.example', env: {}, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(loaded.map((m) => m.environment)).toEqual(['staging', 'production']);
    const prod = loaded[1];
    expect(prod?.services.map((s) => s.strategy.type)).toEqual(['canary', 'blue-green', 'rolling']);
    expect(prod?.before).toHaveLength(1);
    expect(prod?.scheduledTargets).toHaveLength(2);
    expect(prod?.tasks?.map((t) => t.family)).toEqual(['shop-purge-sessions']);
  });
});

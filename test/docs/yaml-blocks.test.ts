/**
 * Every ```yaml block in README.md and docs/*.md parses, and says what it claims: a whole manifest (one with a
 * top-level `version:`) validates in every environment, as `ecsdeploy validate` would; a scenario file (docs about
 * the sandbox) loads as a scenario. Task definition files a manifest names are stood in for by minimal ones with
 * the containers the manifest refers to. A fragment (no `version:`) must parse, and its keys must be manifest keys.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadManifestAll } from '../../src/manifest/index.js';
import { manifestSchema } from '../../src/manifest/schema.js';
import { parseScenario } from '../../src/sandbox/world/scenario.js';
import { REPO } from '../manifest/paths.js';

interface Block {
  where: string;
  text: string;
}

function yamlBlocks(file: string): Block[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const blocks: Block[] = [];
  for (const m of text.matchAll(/^```ya?ml[ \t]*\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, m.index).split('\n').length;
    blocks.push({ where: `${file}:${line}`, text: m[1] as string });
  }
  return blocks;
}

const FILES = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'), { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.md'))
    .map((d) => `docs/${d.name}`),
];
const BLOCKS = FILES.flatMap(yamlBlocks);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Containers a service refers to by name (images, environment, command), else one called `app`. */
function containersOf(service: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const k of ['images', 'environment', 'command']) if (isObject(service[k])) for (const n of Object.keys(service[k])) names.add(n);
  return names.size ? [...names] : ['app'];
}

/** Minimal task definition files for every `taskDefinition: ./path` of the manifest (services, tasks and environments). */
function standInTaskDefinitions(dir: string, manifest: Record<string, unknown>): void {
  const environments = Object.values(isObject(manifest.environments) ? manifest.environments : {});
  const serviceMaps = [manifest.services, manifest.tasks, ...environments.flatMap((e) => (isObject(e) ? [e.services, e.tasks] : []))];
  for (const services of serviceMaps) {
    if (!isObject(services)) continue;
    for (const service of Object.values(services)) {
      if (!isObject(service) || typeof service.taskDefinition !== 'string') continue;
      const file = join(dir, service.taskDefinition);
      const family = basename(file).replace(/\..*$/, '');
      mkdirSync(dirname(file), { recursive: true });
      const containerDefinitions = containersOf(service).map((name) => ({ name, image: `registry.example.com/${name}:1` }));
      writeFileSync(file, JSON.stringify({ family, networkMode: 'awsvpc', containerDefinitions }));
    }
  }
}

describe('YAML in README.md and docs/', () => {
  it('there are blocks to check, among them a whole manifest', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(3);
    expect(BLOCKS.some((b) => /^version:/m.test(b.text))).toBe(true);
  });

  it.each(BLOCKS.map((b) => [b.where, b] as const))('%s parses as YAML', (_where, block) => {
    const doc = parseDocument(block.text, { merge: true });
    expect([...doc.errors, ...doc.warnings].map((e) => e.message)).toEqual([]);
  });

  const manifests = BLOCKS.filter((b) => /^version:/m.test(b.text));
  it.each(manifests.map((b) => [b.where, b] as const))(
    '%s is a whole manifest that validates in every environment, without warnings',
    (_where, block) => {
      const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-docs-'));
      writeFileSync(join(dir, 'ecsdeploy.yaml'), block.text);
      standInTaskDefinitions(dir, parseDocument(block.text, { merge: true }).toJS() as Record<string, unknown>);
      const warnings: string[] = [];
      const loaded = loadManifestAll({ cwd: dir, env: {}, onWarning: (w) => warnings.push(w) });
      expect(loaded.length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    },
  );

  const scenarios = BLOCKS.filter((b) => /^(images|faults|trafficPerMinute):/m.test(b.text) && !/^version:/m.test(b.text));
  it.each(scenarios.map((b) => [b.where, b] as const))('%s is a scenario file the sandbox loads', (where, block) => {
    expect(() => parseScenario(block.text, where)).not.toThrow();
  });

  const schema = manifestSchema() as {
    properties: Record<string, unknown>;
    $defs: { service: { properties: Record<string, unknown> } };
  };
  const manifestKeys = Object.keys(schema.properties);
  const serviceKeys = Object.keys(schema.$defs.service.properties);
  const parsed = (b: Block) => parseDocument(b.text, { merge: true }).toJS() as unknown;
  const keysIn = (v: unknown, known: string[]) =>
    isObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('x-') || known.includes(k));

  // A fragment of one service's settings (e.g. a `strategy:` block) validates inside a minimal service named
  // `web`, with a container `web`: the docs' examples use those names.
  const serviceFragments = BLOCKS.filter(
    (b) => !manifests.includes(b) && !scenarios.includes(b) && !keysIn(parsed(b), manifestKeys) && keysIn(parsed(b), serviceKeys),
  );
  it.each(serviceFragments.map((b) => [b.where, b] as const))(
    '%s is a service fragment that validates inside a minimal service',
    (_where, block) => {
      const fragment = parsed(block) as Record<string, unknown>;
      const service = {
        cluster: 'shop',
        service: 'shop-web',
        taskDefinition: './web.task.json',
        images: { web: 'registry.example.com/web:1' },
        ...fragment,
      };
      const manifest = { version: 1, region: 'us-east-1', services: { web: service } };
      const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-docs-'));
      writeFileSync(join(dir, 'ecsdeploy.yaml'), JSON.stringify(manifest, null, 2));
      standInTaskDefinitions(dir, manifest);
      const warnings: string[] = [];
      expect(loadManifestAll({ cwd: dir, env: {}, onWarning: (w) => warnings.push(w) }).length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    },
  );

  // GitHub workflows (a top-level `jobs:`) are checked against the action by test/action/workflow-docs.test.ts.
  const workflows = BLOCKS.filter((b) => /^jobs:/m.test(b.text));
  const fragments = BLOCKS.filter(
    (b) => !manifests.includes(b) && !scenarios.includes(b) && !serviceFragments.includes(b) && !workflows.includes(b),
  );
  it.each(fragments.map((b) => [b.where, b] as const))(
    '%s is a manifest fragment: its top-level keys are manifest keys',
    (_where, block) => {
      const value = parsed(block);
      if (value === null || value === undefined) return; // a comment-only block (the editor schema line)
      expect(isObject(value)).toBe(true);
      for (const key of Object.keys(value as object)) expect(key.startsWith('x-') || manifestKeys.includes(key), key).toBe(true);
    },
  );
});

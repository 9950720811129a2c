import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { manifestSchema, manifestSchemaText } from '../../src/manifest/index.js';
import { DURATION_PATTERN } from '../../src/manifest/schema.js';
import { schemaDigest } from '../../src/manifest/schema-validator.generated.js';
import { parseDuration } from '../../src/util/duration.js';
import { REPO } from './paths.js';

const SCHEMA_FILE = join(REPO, 'schema/ecsdeploy.schema.json');

/** Every `properties` entry anywhere in the schema, with its JSON pointer. */
function properties(node: unknown, pointer = '#'): { pointer: string; schema: Record<string, unknown> }[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n, i) => properties(n, `${pointer}/${i}`));
  const out: { pointer: string; schema: Record<string, unknown> }[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v && typeof v === 'object') {
      for (const [name, sub] of Object.entries(v))
        out.push({ pointer: `${pointer}/properties/${name}`, schema: sub as Record<string, unknown> });
    }
    out.push(...properties(v, `${pointer}/${k}`));
  }
  return out;
}

describe('the manifest schema', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

  it('gives every property a description, except discriminators inside if-conditions', () => {
    const all = properties(schema).filter((p) => !p.pointer.includes('/if/'));
    expect(all.length).toBeGreaterThan(150);
    const missing = all
      .filter((p) => typeof p.schema.description !== 'string' || (p.schema.description as string).length < 3)
      .map((p) => p.pointer);
    expect(missing).toEqual([]);
  });

  it('closes every manifest object with additionalProperties false, and leaves task definition content open', () => {
    const open: string[] = [];
    const walk = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && n.properties && !pointer.includes('/if') && n.additionalProperties === undefined && !n.allOf)
        open.push(pointer);
      for (const [k, v] of Object.entries(n)) walk(v, `${pointer}/${k}`);
    };
    walk(schema, '#');
    expect(open.sort()).toEqual([
      '#/$defs/taskDefinitionInput',
      '#/$defs/taskDefinitionInput/properties/containerDefinitions/items',
      '#/$defs/taskDefinitionInput/properties/containerDefinitions/items/properties/environment/items',
    ]);
  });

  it('compiles under ajv strict mode (2020-12)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('is the schema the generated validator was built from (re-run src/manifest/generate-validator.mjs if not)', () => {
    expect(schemaDigest).toBe(createHash('sha256').update(readFileSync(SCHEMA_FILE, 'utf8')).digest('hex'));
  });

  it('is what manifestSchema() and manifestSchemaText() return', () => {
    expect(manifestSchemaText()).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(manifestSchema()).toEqual(schema);
  });

  it('accepts exactly the durations src/util/duration.ts parses', () => {
    const re = new RegExp(DURATION_PATTERN);
    expect(JSON.stringify(schema)).toContain(JSON.stringify(DURATION_PATTERN));
    for (const d of ['0', '30s', '5m', '1h', '1h30m', '500ms', '2d', '1h0m5s', '5 m', '5', '1.5h', '', 'm', '-5s', '5M', '10x']) {
      expect(re.test(d), d).toBe(parseDuration(d) !== undefined && d.trim() === d);
    }
  });
});

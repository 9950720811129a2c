/**
 * What an editor shows from the schema: every key a manifest can hold has a description (hover) and examples
 * (completion and hover), and every example is a value the schema accepts, so what the editor suggests validates.
 * Keys inside `if` conditions are discriminators, not keys a person writes: they need a description only.
 * A failure names each key by its path in the schema, e.g. `$defs.service.properties.cluster`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

const SCHEMA_FILE = resolve(__dirname, '../../schema/ecsdeploy.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

interface Key {
  /** Dotted path in the schema document, e.g. `$defs.service.properties.cluster`. */
  path: string;
  /** JSON pointer of the key's schema, for ajv. */
  pointer: string;
  schema: Record<string, unknown>;
  inCondition: boolean;
}

/** Every `properties` entry anywhere in the schema document. */
function keys(node: unknown, path: string[] = [], inCondition = false): Key[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n, i) => keys(n, [...path, String(i)], inCondition));
  const out: Key[] = [];
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, sub] of Object.entries(v)) {
        const at = [...path, 'properties', name];
        out.push({
          path: at.join('.'),
          pointer: `#/${at.map(escapePointer).join('/')}`,
          schema: sub as Record<string, unknown>,
          inCondition,
        });
      }
    }
    out.push(...keys(v, [...path, k], inCondition || k === 'if'));
  }
  return out;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

const ALL = keys(schema);

describe('the schema explains every key', () => {
  it('covers the whole manifest', () => {
    expect(ALL.filter((k) => !k.inCondition).length).toBeGreaterThan(200);
  });

  it('gives every key a description', () => {
    const missing = ALL.filter((k) => typeof k.schema.description !== 'string' || (k.schema.description as string).trim().length < 3);
    expect(missing.map((k) => `${k.path}: no description`)).toEqual([]);
  });

  it('gives every key examples (for an object, an example object)', () => {
    const missing = ALL.filter((k) => !k.inCondition).filter((k) => !Array.isArray(k.schema.examples) || k.schema.examples.length === 0);
    expect(missing.map((k) => `${k.path}: no examples`)).toEqual([]);
    const objects = ALL.filter((k) => !k.inCondition && k.schema.type === 'object');
    const notObjects = objects.filter((k) =>
      (k.schema.examples as unknown[]).some((e) => e === null || typeof e !== 'object' || Array.isArray(e)),
    );
    expect(notObjects.map((k) => `${k.path}: an object key whose example is not an object`)).toEqual([]);
  });

  it('gives only examples the schema accepts', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
    ajv.addSchema(schema);
    const id = schema.$id as string;
    const invalid: string[] = [];
    for (const k of ALL.filter((key) => !key.inCondition)) {
      const validate = ajv.getSchema(`${id}${k.pointer}`);
      if (!validate) throw new Error(`ajv cannot find ${k.pointer}`);
      for (const example of (k.schema.examples as unknown[] | undefined) ?? []) {
        if (!validate(example)) invalid.push(`${k.path}: example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(invalid).toEqual([]);
  });
});

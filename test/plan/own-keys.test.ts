/**
 * Task definitions are open documents: a docker label or log option may be named `constructor`, `toString` or
 * `__proto__`. The plan core compares, copies and digests such fields like any other, never finding or losing
 * a member that JavaScript objects inherit.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/task-definition.js';
import { diffDocuments } from '../../src/plan/diff.js';
import { canonicalJson, toJson } from '../../src/plan/json.js';
import { normalizeTaskDefinition } from '../../src/plan/normalize.js';
import { redactDeep, sensitivityTest } from '../../src/plan/sensitive.js';

/** `{ [key]: value }` as JSON.parse builds it: an own property even for `__proto__`. */
const labels = (key: string, value: string): JsonObject => JSON.parse(JSON.stringify({ k: value }).replace('"k"', JSON.stringify(key)));

const KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];

describe('fields named like inherited members', () => {
  it.each(KEYS)('a docker label %s added on the desired side is a change', (key) => {
    const changes = diffDocuments({ dockerLabels: {} }, { dockerLabels: labels(key, 'v') }, 'taskDefinition');
    expect(changes).toEqual([{ scope: 'taskDefinition', path: `dockerLabels.${key}`, kind: 'add', after: 'v' }]);
  });

  it.each(KEYS)('a docker label %s removed on the desired side is a change', (key) => {
    const changes = diffDocuments({ dockerLabels: labels(key, 'v') }, { dockerLabels: {} }, 'taskDefinition');
    expect(changes).toEqual([{ scope: 'taskDefinition', path: `dockerLabels.${key}`, kind: 'remove', before: 'v' }]);
  });

  it.each(KEYS)('a field %s survives copying to JSON, canonical JSON and normalization', (key) => {
    const td = { family: 'f', containerDefinitions: [{ name: 'web', image: 'nginx', dockerLabels: labels(key, 'v') }] };
    expect(JSON.stringify(toJson(td))).toContain(JSON.stringify(key));
    expect(canonicalJson(td)).toContain(JSON.stringify(key));
    expect(canonicalJson(td)).not.toBe(canonicalJson({ family: 'f', containerDefinitions: [{ name: 'web', image: 'nginx' }] }));
    const normalized = normalizeTaskDefinition(td, { ignoreTags: [] } as never);
    expect(JSON.stringify(normalized)).toContain(JSON.stringify(key));
  });

  it.each(KEYS)('a log option %s is kept by redaction (and redacted by its name only when it looks secret)', (key) => {
    const doc = { logConfiguration: { logDriver: 'awslogs', options: labels(key, 'v') } };
    expect(JSON.stringify(redactDeep(doc, sensitivityTest([])))).toContain(`${JSON.stringify(key)}:"v"`);
  });
});

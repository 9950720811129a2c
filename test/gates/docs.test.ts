/**
 * The YAML that docs/gates.md shows must validate: each block is a `strategy:` of a service (wrapped in a minimal
 * manifest here) or a whole manifest.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/index.js';

const DOC = readFileSync(resolve(__dirname, '../../docs/gates.md'), 'utf8');
const blocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

function manifestOf(block: string): string {
  if (!block.startsWith('strategy:')) return block;
  const indented = block
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
  return `version: 1
services:
  web:
    cluster: shop
    taskDefinition:
      family: web
      containerDefinitions:
        - { name: web, image: nginx:1.27 }
${indented}`;
}

describe('docs/gates.md', () => {
  it('shows YAML', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((b, i) => [i + 1, b]))('YAML block %i validates', (_i, block) => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-gates-doc-'));
    writeFileSync(join(dir, 'ecsdeploy.yaml'), manifestOf(block as string));
    expect(() => loadManifest({ cwd: dir, env: {} })).not.toThrow();
  });
});

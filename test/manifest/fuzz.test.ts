// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest interpolation syntax, not templates
/**
 * Robustness: thousands of mangled variants of the feature tour must each either load or fail with a
 * ManifestError/UsageError (which the CLI prints without a stack). Any other exception is a bug.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, UsageError } from '../../src/errors/index.js';
import { loadManifestAll } from '../../src/manifest/index.js';
import { REPO } from './paths.js';

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS = [
  '',
  '~',
  '[]',
  '{}',
  '-1',
  '0',
  '1.5',
  'true',
  '"x"',
  '${env:NOPE}',
  '${var:nope}',
  '$${',
  '[a, b]',
  '{ a: 1 }',
  '*x',
  '&x y',
  '!Ref x',
  ':',
  '- ',
  '"\u0000"',
  'null',
  '99999999999999999999',
];

function mangle(text: string, random: () => number): string {
  const lines = text.split('\n');
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(random() * lines.length);
    const line = lines[i] ?? '';
    const r = REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)] as string;
    const kind = random();
    if (kind < 0.25) lines.splice(i, 1);
    else if (kind < 0.6 && line.includes(':')) lines[i] = `${line.slice(0, line.indexOf(':') + 1)} ${r}`;
    else if (kind < 0.75) lines.splice(i, 0, lines[Math.floor(random() * lines.length)] ?? '');
    else if (kind < 0.9) lines[i] = line.replace(/^(\s*)/, `$1${r}`);
    else lines[i] = line.slice(0, Math.floor(random() * line.length));
  }
  return lines.join('\n');
}

// 600 variants from one seeded stream, judged in four slices so that no single test holds a 30 s CPU-bound loop
// (the slices run the same variants, in the same order, as one loop would).
const VARIANTS = 600;
const SLICES = 4;

function variants(): string[] {
  const source = readFileSync(join(REPO, 'ecsdeploy.yaml.example'), 'utf8').replace(
    './examples/multi/ecs/web.task.json',
    join(REPO, 'examples/multi/ecs/web.task.json'),
  );
  const random = rng(20261122);
  return Array.from({ length: VARIANTS }, () => mangle(source, random));
}

describe('mangled manifests', () => {
  const texts = variants();
  const per = VARIANTS / SLICES;
  it.each(Array.from({ length: SLICES }, (_, i) => [i * per, (i + 1) * per]))(
    'variants %i to %i either load or fail with a typed user error, never anything else',
    (from, to) => {
      const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-fuzz-'));
      const unexpected: string[] = [];
      let failed = 0;
      for (let n = from; n < to; n++) {
        const text = texts[n] as string;
        writeFileSync(join(dir, 'ecsdeploy.yaml'), text);
        try {
          loadManifestAll({ cwd: dir, env: {} });
        } catch (error) {
          if (error instanceof ManifestError || error instanceof UsageError) {
            failed += 1;
            if (error instanceof ManifestError) expect(error.issues.length).toBeGreaterThan(0);
            continue;
          }
          unexpected.push(`variant ${n}: ${error instanceof Error ? error.stack : String(error)}\n${text}`);
          if (unexpected.length >= 3) break;
        }
      }
      expect(unexpected).toEqual([]);
      // Most mangled variants are broken: a loader that accepted everything would not be tested at all.
      expect(failed).toBeGreaterThan(per / 3);
    },
  );
});

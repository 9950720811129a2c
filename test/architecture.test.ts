/**
 * Module boundaries from ARCHITECTURE.md, checked mechanically: each folder of src/ may import only the
 * folders listed for it, and only src/aws/ may import the AWS SDK at runtime (type-only imports of the SDK are
 * allowed in ports.ts alone). A violation fails the test run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

const ALLOWED: Record<string, string[]> = {
  cli: ['*'],
  manifest: ['model', 'errors', 'util'],
  live: ['aws', 'model', 'errors', 'util', 'plan'],
  plan: ['model', 'errors', 'util'],
  engine: ['strategies', 'gates', 'live', 'plan', 'events', 'model', 'errors', 'util', 'aws'],
  strategies: ['gates', 'aws', 'events', 'model', 'errors', 'util', 'plan'],
  gates: ['aws', 'events', 'model', 'errors', 'util'],
  aws: ['errors', 'util'],
  events: ['plan', 'model'],
  render: ['events', 'plan', 'model', 'errors', 'util'],
  sandbox: ['util', 'model', 'errors', 'manifest'],
  model: [],
  errors: [],
  util: [],
};

/** Folders that may only import other folders' *types* (never runtime values) from `aws`. */
const TYPE_ONLY_FROM: Record<string, string[]> = {
  live: ['aws'],
  strategies: ['aws'],
  gates: ['aws'],
  engine: ['aws'],
  events: ['plan'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;

interface Violation {
  file: string;
  spec: string;
  why: string;
}

function check(): Violation[] {
  const out: Violation[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    const folder = rel.split('/')[0] as string;
    const allowed = ALLOWED[folder];
    if (!allowed) {
      out.push({ file: rel, spec: '', why: `folder src/${folder} is not in the architecture` });
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const typeOnly = Boolean(m[2]);
      const spec = m[3] as string;
      if (spec.startsWith('@aws-sdk/') || spec.startsWith('@smithy/')) {
        const okRuntime = folder === 'aws' || folder === 'sandbox';
        if (!okRuntime) out.push({ file: rel, spec, why: 'only src/aws/ may import the AWS SDK' });
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0] as string;
      if (target === folder) continue;
      if (!allowed.includes('*') && !allowed.includes(target)) {
        out.push({ file: rel, spec, why: `src/${folder} may not import src/${target}` });
      } else if (TYPE_ONLY_FROM[folder]?.includes(target) && !typeOnly) {
        out.push({ file: rel, spec, why: `src/${folder} may import only types from src/${target}` });
      }
    }
  }
  return out;
}

describe('module boundaries', () => {
  it('every import in src/ respects the architecture table', () => {
    expect(check()).toEqual([]);
  });

  it('the render folder never reaches AWS, the engine or strategies', () => {
    expect(ALLOWED.render).not.toContain('aws');
    expect(ALLOWED.render).not.toContain('engine');
    expect(ALLOWED.render).not.toContain('strategies');
  });
});

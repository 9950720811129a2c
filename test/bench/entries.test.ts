/**
 * The benches bundle TypeScript entries that import the engine, the sandbox and test worlds by path; nothing else
 * compiles those imports, so a rename elsewhere used to break a bench unnoticed. Each bench here is run with
 * ECSDEPLOY_BENCH_BUNDLE_ONLY=1: it bundles its entry (failing on an import that no longer resolves) and stops.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const benchDir = resolve(__dirname, '../../bench');
const bundlingBenches = readdirSync(benchDir).filter(
  (name) => name.endsWith('.mjs') && name !== 'ts-entry.mjs' && readFileSync(join(benchDir, name), 'utf8').includes('withTsEntry('),
);

describe('bench entries', () => {
  it('finds the benches that bundle TypeScript', () => {
    expect(bundlingBenches.length).toBeGreaterThanOrEqual(4);
  });

  it.each(bundlingBenches)('%s bundles against the current code', (name) => {
    const run = spawnSync(process.execPath, [join(benchDir, name)], {
      env: { ...process.env, ECSDEPLOY_BENCH_BUNDLE_ONLY: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toContain('ERROR');
    expect(run.status).toBe(0);
  });
});

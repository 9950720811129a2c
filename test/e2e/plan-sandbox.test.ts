/**
 * `ecsdeploy plan --sandbox` against the in-process sandbox account seeded from each example: the whole read path
 * (ports over the sandbox's request handler, batching, preflight of every strategy) with no network.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadManifestAll } from '../../src/manifest/index.js';
import type { Plan } from '../../src/plan/types.js';
import { capture } from '../_helpers/capture.js';

const EXAMPLES = resolve(__dirname, '../../examples');
/** The examples with services (a task-only one, examples/nightly-report, has its own test: tasks-sandbox.test.ts). */
function hasServices(file: string): boolean {
  return existsSync(file) && /^services:/m.test(readFileSync(file, 'utf8'));
}
const examples = readdirSync(EXAMPLES).filter((d) => hasServices(join(EXAMPLES, d, 'ecsdeploy.yaml')));

let scratch: string;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function plan(cwd: string, args: string[]) {
  scratch = mkdtempSync(join(tmpdir(), 'ecsdeploy-plan-sandbox-'));
  const stdout = capture();
  const stderr = capture();
  const code = await run(['plan', '--sandbox', '--no-color', ...args], {
    env: { XDG_CACHE_HOME: join(scratch, 'cache') },
    cwd,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTTY: false,
    isCI: true,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('plan --sandbox', () => {
  for (const example of examples) {
    const dir = join(EXAMPLES, example);
    for (const environment of loadManifestAll({ cwd: dir, env: {} }).map((m) => m.environment)) {
      const envArgs = environment ? ['--env', environment] : [];
      const label = environment ? `${example} (--env ${environment})` : example;

      it(`passes preflight for ${label}, and shows no changes once the running images are asked for`, async () => {
        const first = await plan(dir, [...envArgs, '--format', 'json', '--detailed-exitcode']);
        expect(first.stderr).toBe('');
        const p = JSON.parse(first.stdout) as Plan;
        expect(p.services.flatMap((s) => s.blockedReasons)).toEqual([]);
        expect(p.calls?.['ECS.DescribeServices']).toBe(new Set(p.services.map((s) => s.cluster)).size);

        // Ask for exactly what runs: every image change reverted with --image must leave nothing to do.
        const images = p.services.flatMap((s) =>
          s.changes
            .filter((c) => c.scope === 'taskDefinition' && /^containerDefinitions\[[^\]]+\]\.image$/.test(c.path))
            .map((c) => `${/\[([^\]]+)\]/.exec(c.path)?.[1]}=${String(c.before)}`),
        );
        const again = await plan(dir, [...envArgs, '--format', 'json', '--detailed-exitcode', ...images.flatMap((i) => ['--image', i])]);
        expect(again.stderr).toBe('');
        expect((JSON.parse(again.stdout) as Plan).services.map((s) => [s.key, s.action])).toEqual(
          p.services.map((s) => [s.key, 'no-change']),
        );
        expect(again.code).toBe(0);
      });
    }
  }

  it('keeps no task definition cache for a sandbox account, which hands out the same ARNs for new content', async () => {
    const result = await plan(join(EXAMPLES, 'rolling'), []);
    expect(result.code).toBe(0);
    expect(existsSync(join(scratch, 'cache'))).toBe(false);
  });

  it('saves the sandbox account to --state when done', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ecsdeploy-plan-state-'));
    try {
      const state = join(stateDir, 'account.json');
      const first = await plan(join(EXAMPLES, 'rolling'), ['--state', state, '--format', 'json']);
      expect(first.code).toBe(0);
      expect((JSON.parse(readFileSync(state, 'utf8')) as { format: string }).format).toBe('ecsdeploy-sandbox-state');
      // A second run starts from the saved account rather than failing on or overwriting it unread.
      const second = await plan(join(EXAMPLES, 'rolling'), ['--state', state, '--format', 'json']);
      expect(second.code).toBe(0);
      expect(second.stderr).toBe('');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

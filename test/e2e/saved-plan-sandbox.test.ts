/**
 * `ecsdeploy apply plan.json` refuses a saved plan when anything moved since it was made (house rule 2), even when
 * exactly one thing moved, and says what; nothing in the account changes. The real CLI, one sandbox account.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { loadManifest } from '../../src/manifest/index.js';
import { cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const ENV = { IMAGE_TAG: '1.2.3' };

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'ecsdeploy-saved-plan-'));
  cpSync(resolve(__dirname, '../../examples/rolling'), cwd, { recursive: true });
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** A sandbox seeded from the copied example, and a plan of it saved to plan.json. */
async function planned(): Promise<InProcessSandbox> {
  const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: ENV }) });
  const p = await cli(['plan', '--out', 'plan.json'], { cwd, env: ENV, context: sandboxContext(sb) });
  expect(p.code).toBe(0);
  return sb;
}

/** Applies plan.json and checks it was refused before any change, for exactly the reasons in `moved`. */
async function refused(sb: InProcessSandbox, moved: RegExp[]): Promise<void> {
  const before = { ...sb.runtime.calls().counts };
  const r = await cli(['apply', 'plan.json', '--format', 'json'], { cwd, env: ENV, context: sandboxContext(sb) });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/error \[PLAN_STALE\]: the saved plan is stale/);
  const reasons = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
  expect(reasons).toEqual(moved.map((m) => expect.stringMatching(m)));
  expect(ofType(r.events, 'apply.started')).toEqual([]);
  // Only reads: no lock taken, nothing registered or updated.
  const after = sb.runtime.calls().counts;
  const changed = Object.keys(after).filter((k) => after[k] !== before[k] && !/\.(Describe|List|Get)/.test(k));
  expect(changed).toEqual([]);
}

describe('a saved plan where exactly one thing moved', () => {
  it('is refused when only the live desired count moved (say, autoscaling)', async () => {
    const sb = await planned();
    await createAwsPorts(sb.awsConfig()).ecs.updateService({ cluster: 'hello', service: 'hello-web', desiredCount: 3 });
    await refused(sb, [/^ {2}- service web \(hello\/hello-web\): desired count 2 → 3$/]);
  });

  it('is refused when only the manifest file changed, even where it changes nothing deployed', async () => {
    const sb = await planned();
    appendFileSync(join(cwd, 'ecsdeploy.yaml'), '# a comment added after the plan was made\n');
    await refused(sb, [/^ {2}- manifest ecsdeploy\.yaml changed \(digest [0-9a-f]{12} → [0-9a-f]{12}\)$/]);
  });

  it('is applied when nothing moved', async () => {
    const sb = await planned();
    const r = await cli(['apply', 'plan.json', '--format', 'json'], { cwd, env: ENV, context: sandboxContext(sb) });
    expect(r.code).toBe(0);
    expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('succeeded');
  });
});
